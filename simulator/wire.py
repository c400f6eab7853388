"""Requests as received, replies to send, and the error body shapes of the services being imitated.

Three services answer on the one port and each has its own error shape, which clients must tell apart:
the API gateway (``error_code``/``error_msg``/``request_id``), ModelArts (``is_success: false`` plus
``error_code`` and ``error_msg`` or ``error_message``) and IAM (``{"error": {"code", "message", "title"}}``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from urllib.parse import parse_qsl

JSON_CONTENT_TYPE = "application/json;charset=UTF-8"
HTML_CONTENT_TYPE = "text/html"


@dataclass(frozen=True)
class Request:
    """A request as it arrived: the raw (still percent-encoded) path and query are what was signed."""

    method: str
    raw_path: str
    raw_query: str
    headers: dict[str, str]  # names lower-cased
    body: bytes
    request_id: str

    def query_params(self) -> dict[str, str]:
        """Decoded query parameters; when a name repeats, the last value wins."""
        return dict(parse_qsl(self.raw_query, keep_blank_values=True))

    def json_body(self) -> object:
        """The body decoded as JSON (an empty body is an empty object); raises ValueError if not JSON."""
        if not self.body.strip():
            return {}
        return json.loads(self.body.decode("utf-8"))


@dataclass(frozen=True)
class Reply:
    """What to answer. ``drop_connection`` means: answer nothing and reset the connection."""

    status: int
    body: bytes = b""
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()
    drop_connection: bool = False


DROP_CONNECTION = Reply(status=0, drop_connection=True)


def json_reply(status: int, payload: object, headers: tuple[tuple[str, str], ...] = ()) -> Reply:
    return Reply(status, json.dumps(payload, ensure_ascii=False).encode("utf-8"), JSON_CONTENT_TYPE, headers)


def gateway_error(status: int, code: str, message: str, request_id: str) -> Reply:
    """An error raised by the API gateway itself, before the request reaches ModelArts."""
    return json_reply(status, {"error_code": code, "error_msg": message, "request_id": request_id})


def modelarts_error(status: int, code: str, message: str, message_field: str = "error_msg") -> Reply:
    """An error from ModelArts. The visualization-job APIs name the message ``error_message``; ModelArts'
    other answers (a project that does not match the credential, injected faults) ``error_msg``."""
    return json_reply(status, {"is_success": False, "error_code": code, message_field: message})


def iam_error(status: int, message: str, title: str) -> Reply:
    return json_reply(status, {"error": {"code": status, "message": message, "title": title}})
