"""System checks for settings whose combination would turn password throttling against everyone."""

from django.conf import settings
from django.core.checks import Warning, register


@register()
def proxy_without_trusted_count(app_configs, **kwargs) -> list[Warning]:
    """Behind a TLS proxy every request comes from the proxy's address unless TRUSTED_PROXY_COUNT says how
    many proxies to look behind; the per-address login limit would then lock out every user at once."""
    if settings.SECURE_PROXY_SSL_HEADER and not settings.TRUSTED_PROXY_COUNT:
        return [
            Warning(
                "SECURE_PROXY_SSL_HEADER is set but TRUSTED_PROXY_COUNT is 0: every client seems to come from "
                "the proxy's address, so failed logins of a few users lock everyone out.",
                hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For.",
                id="accounts.W001",
            )
        ]
    return []
