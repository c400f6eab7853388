"""Credentials and API tokens move to the accounts app, audit events to the audit app.

Only Django's idea of which app holds them changes: the tables keep their names and every row, and the
foreign keys from cached lists keep pointing at the same table. Content types move with the models, so
permissions granted on them and the admin's history stay attached.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED = {"credential": "accounts", "apitoken": "accounts", "auditevent": "audit"}


def move_content_types(apps, schema_editor):
    for model, app_label in MOVED.items():
        _move(apps.get_model("contenttypes", "ContentType"), model, "jobs", app_label)


def move_content_types_back(apps, schema_editor):
    for model, app_label in MOVED.items():
        _move(apps.get_model("contenttypes", "ContentType"), model, app_label, "jobs")


def _move(content_types, model: str, source: str, target: str) -> None:
    """The source's content type, with what was granted on it, becomes the target's. One already made for the
    target (going back to 0008 leaves the new apps applied, and Django makes theirs again) goes first, with
    the permissions Django made for it then."""
    if content_types.objects.filter(app_label=source, model=model).exists():
        content_types.objects.filter(app_label=target, model=model).delete()
        content_types.objects.filter(app_label=source, model=model).update(app_label=target)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("audit", "0001_initial"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("jobs", "0008_page_size_fallback_time"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="cachedjob",
                    name="credential",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="cached_jobs",
                        to="accounts.credential",
                    ),
                ),
                migrations.AlterField(
                    model_name="joblistrefresh",
                    name="credential",
                    field=models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="list_refresh",
                        to="accounts.credential",
                    ),
                ),
                migrations.DeleteModel(name="ApiToken"),
                migrations.DeleteModel(name="AuditEvent"),
                migrations.DeleteModel(name="Credential"),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
