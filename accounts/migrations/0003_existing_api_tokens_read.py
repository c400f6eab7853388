"""Every token made before scopes existed becomes read-only: that is all the API allowed when it was made, and
a script that needs to write gets a new token, which its owner chooses to give that power."""

from django.db import migrations


def existing_tokens_read(apps, schema_editor):
    apps.get_model("accounts", "ApiToken").objects.filter(scope__isnull=True).update(scope="read")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_apitoken_scope")]

    operations = [migrations.RunPython(existing_tokens_read, migrations.RunPython.noop)]
