"""Keeping secrets out of logs and error pages, as a second line of defence: the code never logs secrets,
and these make sure a mistake (or a library's debug output) does not put one on screen or on disk."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter

MASK = "********"
# A header's value runs to the end of the quoted string or line (Authorization values contain commas).
_SECRET_HEADERS = re.compile(r"(?i)\b(authorization|x-auth-token|x-subject-token)(['\"]?\s*[:=]\s*['\"]?)[^'\"\r\n}]+")
_SECRET_FIELDS = re.compile(
    r"(?i)\b(password|secret_key|secret|sk|token|current_password)(['\"]?\s*[:=]\s*['\"]?)[^'\"\s&,}]+"
)


def redact(text: str) -> str:
    text = _SECRET_HEADERS.sub(lambda match: f"{match[1]}{match[2]}{MASK}", text)
    return _SECRET_FIELDS.sub(lambda match: f"{match[1]}{match[2]}{MASK}", text)


class RedactSecretsFilter(logging.Filter):
    """Masks Authorization / X-Auth-Token / X-Subject-Token values and secret fields in log records."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        return True


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Django hides sensitive settings and POST fields on error pages; this also hides every local variable
    whose name looks secret (secret_key, password, token, plaintext...) in every frame of the traceback,
    including inside dictionaries, so a technical 500 page never shows a stored secret."""

    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|PLAINTEXT", flags=re.I)

    def get_traceback_frame_variables(self, request, tb_frame):
        return [
            (name, self.cleanse_setting(name, value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]
