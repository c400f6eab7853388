import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('jobs', '0008_page_size_fallback_time'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The table exists already (made by the jobs app, which held the model until 0009 there): adopt it.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('created', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('username', models.CharField(blank=True, max_length=150)),
                        ('action', models.CharField(max_length=32)),
                        ('target', models.CharField(blank=True, max_length=200)),
                        ('client_address', models.GenericIPAddressField(blank=True, null=True)),
                        ('success', models.BooleanField(default=True)),
                        ('detail', models.CharField(blank=True, max_length=500)),
                        ('actor', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'jobs_auditevent',
                        'ordering': ['-created'],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
