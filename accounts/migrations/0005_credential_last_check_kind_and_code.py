"""A credential's last failed test is kept as what failed (the error's class name and ModelArts' code), as job
lists keep theirs, so the credentials page can explain it with the failure table long after the test.
Earlier failures keep only their message, shown as before."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0004_apitoken_scope_required'),
    ]

    operations = [
        migrations.AddField(
            model_name='credential',
            name='last_check_code',
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name='credential',
            name='last_check_kind',
            field=models.CharField(blank=True, max_length=100),
        ),
    ]
