"""Migrations keep every row: a database made before credentials, API tokens and the audit log moved out of
the jobs app, holding one of everything, migrates to the current schema with every row intact, every
secret still decryptable and permissions still attached to the moved models. A list's last failure, once
stored as the English title and advice people were shown, becomes its error class and ModelArts code, and
is told with the same words as before."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from accounts import crypto
from accounts.models import ApiToken, Credential
from audit.models import AuditEvent
from jobs.models import CachedJob, JobListRefresh
from tests.conftest import make_credential

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


BEFORE_KINDS = [("jobs", "0009_credentials_tokens_and_audit_move_out")]
AGENCY = (
    "ModelArts has not been authorized (no agency): an administrator must add one under "
    "'Global Configuration' in the ModelArts console."
)
ACCESS_DENIED = "Ask your Huawei Cloud administrator to grant this IAM user read access to ModelArts."
# What releases before the change stored (message, title, advice), and the kind and code it becomes.
STORED_FAILURES = [
    (
        ("ModelArts.0108: denied", "The IAM user is not allowed to do this.", ACCESS_DENIED),
        ("IamPermissionDenied", "ModelArts.0108"),
    ),
    (
        ("ModelArts.2785: no agency", "The IAM user is not allowed to do this.", AGENCY),
        ("IamPermissionDenied", "ModelArts.2785"),
    ),
    (
        (
            "401: IAM refused to issue a token: The username or password is wrong.",
            "ModelArts did not accept the stored credentials.",
            "Check the IAM domain (account) name, user name and password, and the project id.",
        ),
        ("IamTokenRefused", "401"),
    ),
    (
        (
            "modelarts.example.com did not answer within 10 s.",
            "ModelArts did not answer in time.",
            "Try again in a moment; ModelArts or the network to it is slow right now.",
        ),
        ("UpstreamTimeout", ""),
    ),
    (
        (
            "The stored secret of credential 'x' (id 1) cannot be decrypted: 12: no key.",
            "The stored secret cannot be read.",
            "Enter the secret again on the credential's page.",
        ),
        ("SecretUnreadable", ""),
    ),
    (
        ("APIGW.0303: skew", "A title no release of the dashboard wrote.", "Its advice."),
        ("ModelArtsError", "APIGW.0303"),
    ),
    (("", "", ""), ("", "")),  # the last refresh succeeded
]


@pytest.fixture
def back_to_latest():
    """Whatever the test's outcome, the tests after it find the current schema."""
    yield
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_stored_failures_become_their_kind_and_code_and_read_the_same(alice):
    before = migrate(BEFORE_KINDS)
    refreshes = before.get_model("jobs", "JobListRefresh")
    for index, ((message, title, advice), _) in enumerate(STORED_FAILURES):
        credential = make_credential(alice, project_id=f"{index:032x}", name=f"credential {index}")
        refreshes.objects.create(
            credential_id=credential.pk, last_error=message, last_error_title=title, last_error_advice=advice
        )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    states = JobListRefresh.objects.order_by("credential__project_id")
    for state, ((message, title, advice), kind_and_code) in zip(states, STORED_FAILURES, strict=True):
        assert (state.last_error_kind, state.last_error_code) == kind_and_code
        assert state.last_error == message
        if kind_and_code[0] not in ("", "ModelArtsError"):
            assert (state.last_failure.title, state.last_failure.advice) == (title, advice)
    assert states[5].last_failure.title == "The request to ModelArts failed."
    assert states[6].last_failure is None


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_going_back_writes_the_title_and_advice_again(alice):
    for index, ((message, _, _), (kind, code)) in enumerate(STORED_FAILURES[:5]):
        credential = make_credential(alice, project_id=f"{index:032x}", name=f"credential {index}")
        JobListRefresh.objects.create(
            credential=credential, last_error=message, last_error_kind=kind, last_error_code=code
        )

    before = migrate(BEFORE_KINDS)

    stored = before.get_model("jobs", "JobListRefresh").objects.order_by("credential__project_id")
    assert [(state.last_error_title, state.last_error_advice) for state in stored] == [
        (title, advice) for (_, title, advice), _ in STORED_FAILURES[:5]
    ]


@pytest.mark.django_db(transaction=True)
def test_going_back_before_the_move_and_forward_again_keeps_granted_permissions():
    """`migrate jobs 0008` leaves the new apps applied, and Django makes their content types again: the
    way forward must not collide with them, and what was granted on the old ones must survive."""
    user = User.objects.create(username="alice")
    user.user_permissions.add(Permission.objects.get(codename="change_credential"))

    call_command("migrate", "jobs", "0008_page_size_fallback_time", verbosity=0)
    call_command("migrate", verbosity=0)

    assert User.objects.get(pk=user.pk).has_perm("accounts.change_credential")
    assert not ContentType.objects.filter(app_label="jobs", model="credential").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("back_to_latest")
def test_tokens_made_before_scopes_become_read_only(alice):
    before = migrate([("accounts", "0001_initial")])
    before.get_model("accounts", "ApiToken").objects.create(
        owner_id=alice.pk, name="ci", prefix="abcdefgh", token_hash="f" * 64
    )

    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    token = ApiToken.objects.get()
    assert (token.name, token.scope, token.can_write) == ("ci", "read", False)
