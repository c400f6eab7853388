"""What the credential form sends, for the tests of the credential pages: a new AK/SK credential of PROJECT_B,
with the fields a test changes or adds."""

from tests.conftest import PROJECT_B


def credential_form(secret: str, /, **overrides: str) -> dict[str, str]:
    """The form as a browser sends it without JavaScript: both groups' fields, the other kind's left empty;
    ``secret`` unless the overrides give another."""
    return {
        "name": "Vision team",
        "region": "cn-north-4",
        "project_id": PROJECT_B,
        "auth_kind": "aksk",
        "access_key": "AKNEW000000000000000",
        "iam_domain": "",
        "iam_user": "",
        "secret": secret,
        **overrides,
    }
