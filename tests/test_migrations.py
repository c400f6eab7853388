"""Migrations keep every row: a database made before credentials, API tokens and the audit log moved out of
the jobs app, holding one of everything, migrates to the current schema with every row intact, every
secret still decryptable and permissions still attached to the moved models."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import crypto
from accounts.models import ApiToken, Credential
from audit.models import AuditEvent
from jobs.models import CachedJob, JobListRefresh

BEFORE_THE_MOVE = [("jobs", "0008_page_size_fallback_time"), ("accounts", None), ("audit", None)]
SECRET = "a-secret-stored-before-the-move"
PROJECT = "0123456789abcdef0123456789abcdef"


def migrate(targets):
    """Migrate the test database to ``targets`` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state([target for target in targets if target[1] is not None]).apps


def store_one_of_everything(apps) -> dict:
    """Rows as the jobs app held them before the move, through the models of that time (users, content types
    and permissions through today's: their apps are migrated to the end)."""
    user = User.objects.create(username="alice")
    credential = apps.get_model("jobs", "Credential").objects.create(
        owner_id=user.pk,
        name="Vision team",
        region="cn-north-4",
        project_id=PROJECT,
        access_key="AKALICE0000000000000",
        secret_ciphertext=crypto.encrypt(SECRET),
    )
    apps.get_model("jobs", "CachedJob").objects.create(
        credential=credential,
        job_id=10086,
        job_name="tb",
        status=8,
        status_group="running",
        fetched_at="2026-12-01T00:00Z",
    )
    apps.get_model("jobs", "JobListRefresh").objects.create(credential=credential, total=1)
    apps.get_model("jobs", "ApiToken").objects.create(
        owner_id=user.pk, name="ci", prefix="abcdefgh", token_hash="f" * 64
    )
    apps.get_model("jobs", "AuditEvent").objects.create(actor_id=user.pk, username="alice", action="credential_created")
    content_type, _ = ContentType.objects.get_or_create(app_label="jobs", model="credential")
    assert not ContentType.objects.filter(app_label="accounts", model="credential").exists()
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename="change_credential", defaults={"name": "Can change credential"}
    )
    user.user_permissions.add(permission)
    return {"credential": credential.pk, "user": user.pk}


@pytest.mark.django_db(transaction=True)
def test_rows_survive_the_move_to_the_accounts_and_audit_apps():
    before = migrate(BEFORE_THE_MOVE)
    stored = store_one_of_everything(before)

    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    migrate(latest)

    credential = Credential.objects.get(pk=stored["credential"])
    assert (credential.owner.username, credential.name, credential.project_id) == ("alice", "Vision team", PROJECT)
    assert credential.get_secret() == SECRET
    job = CachedJob.objects.get()
    assert (job.credential, job.job_id, job.job_name, job.status) == (credential, 10086, "tb", 8)
    assert JobListRefresh.objects.get().credential == credential
    assert ApiToken.objects.get().owner == credential.owner
    event = AuditEvent.objects.get()
    assert (event.actor, event.action, event.action_label) == (
        credential.owner,
        "credential_created",
        "Credential created",
    )
    assert credential.owner.has_perm("accounts.change_credential")
