"""Each performance trick cites the figure in docs/performance.md that keeps it; the ones no figure kept
are gone. The figures the document names are the ones the benchmarks report, and it names every one."""

import re
from pathlib import Path

import pytest
from django.conf import settings

from benchmarks import background, serve

REPO = Path(__file__).resolve().parent.parent
FIGURES = "docs/performance.md"
# (file, the trick's name in it): the comment next to the name cites the figure.
TRICKS = [
    ("dashboard/cache.py", "class _ClientPerPool"),
    ("dashboard/settings.py", 'SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"'),
    ("dashboard/settings.py", "CONN_MAX_AGE"),
    ("jobs/models.py", 'name="cachedjob_newest"'),
    ("jobs/refresh.py", "def _update_planner_statistics"),
    ("simulator/server.py", "disable_nagle_algorithm = True"),
]


@pytest.mark.parametrize(("path", "name"), TRICKS)
def test_a_trick_cites_its_figure(path, name):
    text = (REPO / path).read_text(encoding="utf-8")
    position = text.index(name)

    assert FIGURES in text[max(0, position - 600) : position + 600]


@pytest.mark.parametrize(("path", "name"), TRICKS)
def test_the_figures_name_the_tricks_file(path, name):
    assert f"`{path}`" in (REPO / FIGURES).read_text(encoding="utf-8")


def test_rendered_fragments_are_not_cached():
    """The warm-detail figure held without it (docs/performance.md)."""
    templates = "".join(path.read_text(encoding="utf-8") for path in (REPO / "templates").rglob("*.html"))

    assert set(settings.CACHES) == {"default"}
    assert "{% cache" not in templates


BENCHMARK_KEYS = (*serve.KEYS, *background.KEYS)
# How a figure's name ends: what it measures.
FIGURE_NAME = re.compile(r"`([a-z0-9]+(?:_[a-z0-9]+)*_(?:ratio|ratio_separate_loads|ms|mb|seconds|calls))`")


@pytest.mark.parametrize("key", BENCHMARK_KEYS)
def test_every_figure_is_in_the_document(key):
    assert f"`{key}`" in (REPO / FIGURES).read_text(encoding="utf-8")


def test_the_document_names_no_figure_the_benchmarks_do_not_report():
    named = set(FIGURE_NAME.findall((REPO / FIGURES).read_text(encoding="utf-8")))

    assert named
    assert named <= set(BENCHMARK_KEYS)
