"""Keeping secrets out of logs and error pages, as a second line of defence: the code never logs secrets,
and these make sure a mistake (or a library's debug output) does not put one on screen or on disk."""

import logging
import re

from django.views.debug import ExceptionReporter, SafeExceptionReporterFilter

MASK = "********"
# A header's value runs to the end of the quoted string or line (Authorization values contain commas).
_SECRET_HEADERS = re.compile(r"(?i)\b(authorization|x-auth-token|x-subject-token)(['\"]?\s*[:=]\s*['\"]?)[^'\"\r\n}]+")
_SECRET_FIELDS = re.compile(
    r"(?i)\b(password|secret_key|secret|sk|token|current_password)(['\"]?\s*[:=]\s*['\"]?)[^'\"\s&,}]+"
)
# Secret values that show without their header's name: quoted in an exception ("Invalid header value
# b'...'"), or in a variable holding header values. An Authorization value starts with its scheme; IAM
# tokens are base64 of signed data, which always starts with "MII".
_AUTHORIZATION_VALUES = re.compile(r"(?i)\b(SDK-HMAC-SHA256|Bearer)\s+[^'\"\r\n]+")
_IAM_TOKENS = re.compile(r"\bMII[A-Za-z0-9+/=_-]{16,}")
_QUOTED_HEADER_VALUES = re.compile(r"(?i)(header value:?\s*b?)('[^']*'|\"[^\"]*\")")
_TRACEBACKS = logging.Formatter()


def redact(text: str) -> str:
    text = _SECRET_HEADERS.sub(lambda match: f"{match[1]}{match[2]}{MASK}", text)
    text = _SECRET_FIELDS.sub(lambda match: f"{match[1]}{match[2]}{MASK}", text)
    text = _AUTHORIZATION_VALUES.sub(lambda match: f"{match[1]} {MASK}", text)
    text = _QUOTED_HEADER_VALUES.sub(lambda match: f"{match[1]}{MASK}", text)
    return _IAM_TOKENS.sub(MASK, text)


class RedactSecretsFilter(logging.Filter):
    """Masks Authorization / X-Auth-Token / X-Subject-Token values and secret fields in log records: in the
    message, and in the traceback of a logged exception, whose text (and its causes') may quote them."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = _TRACEBACKS.formatException(record.exc_info)  # formatters use it as it is
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class SecretHidingReporterFilter(SafeExceptionReporterFilter):
    """Django hides sensitive settings and POST fields on error pages; this also hides every local variable
    whose name looks secret (secret_key, password, token, plaintext...) in every frame of the traceback,
    including inside dictionaries, so a technical 500 page never shows a stored secret. Frames of the HTTP
    libraries show no variables at all: they hold the request's headers under names that say nothing
    (http.client's ``header`` and ``values``)."""

    hidden_settings = re.compile("API|AUTH|TOKEN|KEY|SECRET|PASS|SIGNATURE|HTTP_COOKIE|PLAINTEXT", flags=re.I)
    http_libraries = frozenset({"http", "urllib3", "requests"})

    def get_traceback_frame_variables(self, request, tb_frame):
        variables = super().get_traceback_frame_variables(request, tb_frame)
        if tb_frame.f_globals.get("__name__", "").partition(".")[0] in self.http_libraries:
            return [(name, self.cleansed_substitute) for name, _ in variables]
        return [(name, self._cleanse_variable(name, value)) for name, value in variables]

    def _cleanse_variable(self, name: str, value):
        """A text that holds a secret is hidden whatever its name (``value``, ``line``...)."""
        value = self.cleanse_setting(name, value)
        text = value.decode("latin-1") if isinstance(value, bytes) else value
        if isinstance(text, str) and redact(text) != text:
            return self.cleansed_substitute
        return value


class SecretHidingExceptionReporter(ExceptionReporter):
    """The technical 500 page and error e-mails, masked like log lines where the filter above cannot look:
    the exception's text, the texts of the exceptions it chains, and variables whose names say nothing
    (http.client's ``values``) but whose contents are an Authorization header or a token."""

    def get_traceback_data(self) -> dict:
        data = super().get_traceback_data()
        for key in ("exception_value", "exception_notes", "unicode_hint"):
            if data.get(key):
                data[key] = redact(data[key])
        for frame in data["frames"]:
            frame["vars"] = [(name, redact(value)) for name, value in frame.get("vars", [])]
            cause = frame.get("exc_cause")
            if cause is not None:
                frame["exc_cause"] = redact(str(cause)) or type(cause).__name__
        return data
