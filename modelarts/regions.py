"""Where ModelArts and IAM live for each region, and which endpoint URLs we are willing to call.

Endpoints come only from this table or from operator settings, never from user input or from ModelArts
itself, so the server cannot be steered into fetching arbitrary URLs.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

REGIONS: tuple[str, ...] = (
    "cn-north-1",
    "cn-north-2",
    "cn-north-4",
    "cn-north-9",
    "cn-north-11",
    "cn-north-12",
    "cn-east-3",
    "cn-east-4",
    "cn-south-1",
    "cn-southwest-2",
    "cn-southwest-3",
    "ap-southeast-1",
    "ap-southeast-2",
    "ap-southeast-3",
    "ap-southeast-4",
    "af-south-1",
    "af-north-1",
    "la-south-2",
    "la-north-2",
    "sa-brazil-1",
    "tr-west-1",
    "me-east-1",
)

DEFAULT_MODELARTS_ENDPOINT = "https://modelarts.{region}.myhuaweicloud.com"
DEFAULT_IAM_ENDPOINT = "https://iam.{region}.myhuaweicloud.com"

# The official SDK's region table has one host outside the usual pattern.
MODELARTS_ENDPOINT_EXCEPTIONS = {"ap-southeast-1": "https://modelarts.ap-southeast-1.myhuaweicloud.cn"}


class EndpointError(ValueError):
    pass


def is_loopback_host(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def validate_endpoint(url: str) -> str:
    """Return the endpoint without a trailing slash, or raise EndpointError saying what is wrong.

    https is required; plain http only for loopback hosts (the simulator, an SSH tunnel). Credentials,
    queries and fragments in the URL are refused: they would be sent somewhere unintended or ignored.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError as exc:
        raise EndpointError(f"{url!r} is not a valid URL.") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise EndpointError(f"{url!r} must be an http(s) URL with a host name.")
    if parts.scheme == "http" and not is_loopback_host(host):
        raise EndpointError(f"{url!r} must use https (plain http is only allowed for loopback hosts).")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise EndpointError(f"{url!r} must not contain user info, a query or a fragment.")
    return url.rstrip("/")


def validate_endpoint_template(template: str) -> str:
    """Check an operator's URL template (which may contain ``{region}``) with a sample region."""
    try:
        validate_endpoint(template.format(region="cn-north-4"))
    except (KeyError, IndexError, ValueError) as exc:  # EndpointError is a ValueError
        raise EndpointError(f"{template!r} is not a valid endpoint template: {exc}") from exc
    return template.rstrip("/")


def modelarts_endpoint(region: str, template: str = "") -> str:
    if template:
        return validate_endpoint(template.format(region=region))
    return MODELARTS_ENDPOINT_EXCEPTIONS.get(region) or DEFAULT_MODELARTS_ENDPOINT.format(region=region)


def iam_endpoint(region: str, template: str = "") -> str:
    return validate_endpoint((template or DEFAULT_IAM_ENDPOINT).format(region=region))
