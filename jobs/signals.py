"""Ending what a credential's secret earned when the credential changes or goes, however that happens: its
page, the admin, a command, or the deletion of its owner."""

from django.db.models.signals import pre_delete, pre_save
from django.dispatch import receiver

from accounts.models import Credential

from . import services


@receiver(pre_save, sender=Credential)
def _forget_tokens_of_replaced_credentials(sender, instance: Credential, update_fields=None, **kwargs) -> None:
    if instance.pk is None or (update_fields is not None and not set(Credential.AUTH_FIELDS) & set(update_fields)):
        return
    stored = Credential.objects.filter(pk=instance.pk).first()
    if stored is not None and stored.auth_version != instance.auth_version:
        services.forget_tokens(stored)


@receiver(pre_delete, sender=Credential)
def _forget_tokens_of_deleted_credentials(sender, instance: Credential, **kwargs) -> None:
    services.forget_tokens(instance)
