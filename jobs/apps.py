from django.apps import AppConfig
from django.db.models.signals import post_migrate


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "ModelArts visualization jobs"

    def ready(self):
        from . import signals  # noqa: F401 - connects its receivers
        from .tasks import create_queue_tables

        post_migrate.connect(create_queue_tables, sender=self)
