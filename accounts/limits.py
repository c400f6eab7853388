"""Ceilings on what one user may store, so nobody can grow the tables (and the work every credential adds
to each run of the list refresh command) without bound.

The check counts, then the caller saves: two adds racing past the last free place can both succeed, so a
user may end up one or two over. That bounds growth well enough; an exact count would need a lock on the
user's row around every add.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from .models import ApiToken, Credential


def check_room_for_credential(owner) -> None:
    """Raises ValidationError when the owner already stores MAX_CREDENTIALS_PER_USER credentials."""
    _check_room(
        Credential.objects.for_user(owner),
        settings.MAX_CREDENTIALS_PER_USER,
        _("You already have %(limit)d credentials, the most one user may store. Delete one you no longer use first."),
    )


def check_room_for_api_token(owner) -> None:
    """Raises ValidationError when the owner already holds MAX_API_TOKENS_PER_USER tokens."""
    _check_room(
        ApiToken.objects.filter(owner=owner),
        settings.MAX_API_TOKENS_PER_USER,
        _("You already have %(limit)d API tokens, the most one user may hold. Revoke one you no longer use first."),
    )


def _check_room(existing: QuerySet, limit: int, message: str) -> None:
    if existing.count() >= limit:
        raise ValidationError(message % {"limit": limit}, code="limit_reached")
