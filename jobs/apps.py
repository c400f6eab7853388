from pathlib import Path

from django.apps import AppConfig
from django.core.cache import caches
from django.utils.autoreload import file_changed


class JobsConfig(AppConfig):
    name = "jobs"
    verbose_name = "ModelArts visualization jobs"

    def ready(self):
        from . import signals  # noqa: F401 - connects its receivers

        file_changed.connect(forget_rendered_fragments)


def forget_rendered_fragments(sender, file_path: Path, **kwargs) -> None:
    """runserver reloads an edited template without restarting; the fragments rendered from the old one
    must go too, or the edit would not show until the job changes."""
    if file_path.suffix == ".html":
        caches["fragments"].clear()
