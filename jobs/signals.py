"""Ending what a credential's secret earned when the credential changes or goes, however that happens: its
page, the admin, a command, or the deletion of its owner."""

import logging

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from accounts.models import Credential

from . import clients

logger = logging.getLogger(__name__)


@receiver(pre_save, sender=Credential)
def _forget_tokens_of_replaced_credentials(sender, instance: Credential, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and not set(Credential.AUTH_FIELDS) & set(update_fields)):
        return
    stored = Credential.objects.filter(pk=instance.pk).first()
    if stored is not None and stored.auth_version != instance.auth_version:
        _forget_tokens(stored)


@receiver(pre_delete, sender=Credential)
def _forget_tokens_of_deleted_credentials(sender, instance: Credential, **kwargs) -> None:
    _forget_tokens(instance)


def _forget_tokens(credential: Credential) -> None:
    """Dropping the token is a second line of defence: its cache key is bound to the password, so the old
    password's token is found by nobody who does not hold that password anyway. A cache that is down must
    not turn replacing or deleting a credential (or its owner) into an error page, so the failure is only
    logged, by kind alone: a cache error's words could quote a key or a server address."""
    try:
        clients.forget_tokens(credential)
    except Exception as failure:  # whatever the cache backend raises: Redis, database and others differ
        logger.warning(
            "Could not drop the cached IAM token of credential %s (%s); it expires by itself.",
            credential.pk,
            type(failure).__name__,
        )
