import accounts.models
import django.core.validators
import django.db.models.deletion
import django.db.models.functions.text
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('jobs', '0008_page_size_fallback_time'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The tables exist already (made by the jobs app, which held these models until 0009 there): adopt them.
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ApiToken',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100)),
                        ('prefix', models.CharField(db_index=True, editable=False, max_length=8)),
                        ('token_hash', models.CharField(editable=False, max_length=64, unique=True)),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('last_used', models.DateTimeField(blank=True, editable=False, null=True)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='api_tokens', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'jobs_apitoken',
                        'ordering': ['-created', '-pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Credential',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=100)),
                        ('region', models.CharField(choices=[('cn-north-1', 'cn-north-1'), ('cn-north-2', 'cn-north-2'), ('cn-north-4', 'cn-north-4'), ('cn-north-9', 'cn-north-9'), ('cn-north-11', 'cn-north-11'), ('cn-north-12', 'cn-north-12'), ('cn-east-3', 'cn-east-3'), ('cn-east-4', 'cn-east-4'), ('cn-south-1', 'cn-south-1'), ('cn-southwest-2', 'cn-southwest-2'), ('cn-southwest-3', 'cn-southwest-3'), ('ap-southeast-1', 'ap-southeast-1'), ('ap-southeast-2', 'ap-southeast-2'), ('ap-southeast-3', 'ap-southeast-3'), ('ap-southeast-4', 'ap-southeast-4'), ('af-south-1', 'af-south-1'), ('af-north-1', 'af-north-1'), ('la-south-2', 'la-south-2'), ('la-north-2', 'la-north-2'), ('sa-brazil-1', 'sa-brazil-1'), ('tr-west-1', 'tr-west-1'), ('me-east-1', 'me-east-1')], max_length=32)),
                        ('project_id', models.CharField(max_length=32, validators=[django.core.validators.RegexValidator('\\A[0-9a-f]{32}\\Z', "A project id is 32 hexadecimal characters (see 'My Credentials > API Credentials' in the console).")])),
                        ('auth_kind', models.CharField(choices=[('aksk', 'Access key and secret key'), ('password', 'IAM user name and password')], default='aksk', max_length=10)),
                        ('access_key', models.CharField(blank=True, max_length=128)),
                        ('iam_domain', models.CharField(blank=True, max_length=128, verbose_name='IAM domain (account) name')),
                        ('iam_user', models.CharField(blank=True, max_length=128, verbose_name='IAM user name')),
                        ('secret_ciphertext', models.TextField(editable=False)),
                        ('modelarts_endpoint', models.CharField(blank=True, help_text="Overrides the region's ModelArts endpoint (private deployments, the simulator). Admins only.", max_length=200, validators=[accounts.models.validate_endpoint_url])),
                        ('iam_endpoint', models.CharField(blank=True, help_text="Overrides the region's IAM endpoint. Admins only.", max_length=200, validators=[accounts.models.validate_endpoint_url])),
                        ('created', models.DateTimeField(auto_now_add=True)),
                        ('updated', models.DateTimeField(auto_now=True)),
                        ('last_checked_at', models.DateTimeField(blank=True, null=True)),
                        ('last_check_ok', models.BooleanField(blank=True, null=True)),
                        ('last_check_message', models.CharField(blank=True, max_length=500)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='credentials', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'jobs_credential',
                        'ordering': [django.db.models.functions.text.Lower('name'), 'project_id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'project_id'), name='one_credential_per_owner_and_project')],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
