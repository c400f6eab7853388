"""API tokens get a scope; the column starts empty so that 0003 decides what the existing tokens become."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="scope",
            field=models.CharField(
                choices=[("read", "Read only"), ("read-write", "Read and write")], max_length=10, null=True
            ),
        ),
    ]
