"""Every token has a scope from now on (0003 gave the existing ones theirs); a new one is read-only by default."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_existing_api_tokens_read")]

    operations = [
        migrations.AlterField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read-write", "Read and write")], default="read", max_length=10
            ),
        ),
    ]
