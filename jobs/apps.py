from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "ModelArts visualization jobs"

    def ready(self):
        from . import signals  # noqa: F401 - connects its receivers
