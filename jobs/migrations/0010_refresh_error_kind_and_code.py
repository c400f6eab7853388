"""A list's last failure is stored as what failed (the error's class name and ModelArts' code), no longer as
the English title and advice people were shown, so a changed wording never orphans old rows.

Existing rows are converted from the sentences they hold: the title and advice name the error class (the
title alone where the advice was a code's own), the code is the one the stored message starts with. A title
no release wrote becomes a failed request to ModelArts. Going back writes this release's sentences again.
"""

import re

from django.db import migrations, models

GENERIC = "ModelArtsError"
# Each kind's title and advice, and the codes' own advice, as releases up to this one stored them. Frozen
# here: jobs/failures.py may reword them later. Where kinds share a title, the more general comes first.
TOLD = {
    "ModelArtsError": (
        'The request to ModelArts failed.',
        'Try again in a moment. If it keeps failing, check the ModelArts service status.',
    ),
    "ConnectionFailed": (
        'Could not connect to ModelArts.',
        "Check the credential's region (and any custom endpoint) and this server's network access.",
    ),
    "UpstreamTimeout": (
        'ModelArts did not answer in time.',
        'Try again in a moment; ModelArts or the network to it is slow right now.',
    ),
    "Busy": (
        'ModelArts is busy and asked us to slow down.',
        'Wait a few seconds, then reload the page.',
    ),
    "ServiceError": (
        'ModelArts reported an internal error.',
        'Try again later. If it persists, contact Huawei Cloud support with the request id.',
    ),
    "BadResponse": (
        'ModelArts sent an answer the dashboard could not understand.',
        'Try again; if it persists, a proxy may be answering instead of ModelArts.',
    ),
    "ResponseTooLarge": (
        'ModelArts sent an answer the dashboard could not understand.',
        'Try again; if ModelArts really sends answers this large, raise MODELARTS_MAX_RESPONSE_BYTES.',
    ),
    "AuthenticationFailed": (
        'ModelArts did not accept the stored credentials.',
        'Check the access key and secret key (or the IAM domain, user name and password) of this credential, and that the key or user is enabled in IAM.',
    ),
    "IamTokenRefused": (
        'ModelArts did not accept the stored credentials.',
        'Check the IAM domain (account) name, user name and password, and the project id.',
    ),
    "TokenRejected": (
        'ModelArts refused the IAM token.',
        'Check the access key and secret key (or the IAM domain, user name and password) of this credential, and that the key or user is enabled in IAM.',
    ),
    "ClockSkew": (
        "The request's time was more than 15 minutes off ModelArts' clock.",
        "Synchronise this server's clock (NTP); signed requests are refused when the clocks disagree.",
    ),
    "IamRefusalPause": (
        'The dashboard paused asking IAM for a token for this IAM user.',
        "IAM refused this user's password several times lately. So that IAM does not lock the user, the dashboard asks it again only after the pause. Meanwhile check the IAM domain, user name and password.",
    ),
    "CredentialMalformed": (
        "The credential's access key is malformed.",
        'Edit the credential and enter its access key again: an access key has only printable ASCII characters, with no spaces or line breaks.',
    ),
    "IamPermissionDenied": (
        'The IAM user is not allowed to do this.',
        'Ask your Huawei Cloud administrator to grant this IAM user read access to ModelArts.',
    ),
    "ProjectMismatch": (
        'The project id does not belong to these credentials.',
        "Check the project id for this region under 'My Credentials > API Credentials' in the console.",
    ),
    "InvalidRequest": (
        'ModelArts refused the request as invalid.',
        'Check the values entered; the message from ModelArts names the one it refused.',
    ),
    "NotFound": (
        'No visualization job with this id exists in this project.',
        "Check the job id and that the credential's project and region are the ones the job runs in.",
    ),
    "EndpointNotFound": (
        'The ModelArts API was not found at the configured endpoint.',
        "Check the credential's region and the MODELARTS_ENDPOINT setting.",
    ),
    "SecretMissing": (
        'No secret is stored for this credential.',
        "Enter the secret again on the credential's page.",
    ),
    "SecretUnreadable": (
        'The stored secret cannot be read.',
        "Enter the secret again on the credential's page.",
    ),
}
CODE_ADVICE = {
    "ModelArts.0102": 'The workspace does not exist; check the project and workspace.',
    "ModelArts.0105": "The job's current status does not allow this operation.",
    "ModelArts.0204": 'The IAM token is not scoped to a project; check the project id.',
    "ModelArts.2785": "ModelArts has not been authorized (no agency): an administrator must add one under 'Global Configuration' in the ModelArts console.",
}
# A ModelArts error was stored as "<code>: <message>": ModelArts and API Gateway codes, or IAM's numbers.
STORED_CODE = re.compile(r"\A((?:ModelArts|APIGW)\.\w+|\d+): ")


def kind_of(title, advice):
    for kind, told in TOLD.items():
        if told == (title, advice):
            return kind
    return next((kind for kind, (known, _) in TOLD.items() if known == title), GENERIC)


def code_of(message, kind):
    if kind in ("SecretMissing", "SecretUnreadable"):  # the dashboard's own words, with no code
        return ""
    match = STORED_CODE.match(message)
    return match.group(1)[:100] if match else ""


def to_kind_and_code(apps, schema_editor):
    for state in apps.get_model("jobs", "JobListRefresh").objects.exclude(last_error=""):
        state.last_error_kind = kind_of(state.last_error_title, state.last_error_advice)
        state.last_error_code = code_of(state.last_error, state.last_error_kind)
        state.save(update_fields=["last_error_kind", "last_error_code"])


def to_title_and_advice(apps, schema_editor):
    for state in apps.get_model("jobs", "JobListRefresh").objects.exclude(last_error=""):
        title, advice = TOLD.get(state.last_error_kind, TOLD[GENERIC])
        state.last_error_title = title
        state.last_error_advice = CODE_ADVICE.get(state.last_error_code, advice)
        state.save(update_fields=["last_error_title", "last_error_advice"])


class Migration(migrations.Migration):
    dependencies = [
        ("jobs", "0009_credentials_tokens_and_audit_move_out"),
    ]

    operations = [
        migrations.AddField(
            model_name="joblistrefresh",
            name="last_error_kind",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.AddField(
            model_name="joblistrefresh",
            name="last_error_code",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(to_kind_and_code, to_title_and_advice),
        migrations.RemoveField(model_name="joblistrefresh", name="last_error_title"),
        migrations.RemoveField(model_name="joblistrefresh", name="last_error_advice"),
    ]
