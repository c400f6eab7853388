"""The simulator and the dashboard never import each other, and no module reaches into another's privates.

The simulator stands in for Huawei's servers: if it borrowed the dashboard's code (its signer, say), a bug
there would be repeated on both sides and no test against the simulator could see it. The dashboard, for
its part, must run where the simulator is not installed. Only the tests may import both.
"""

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SIMULATOR_PACKAGES = ("simulator",)
# The dashboard's apps, its project package and its ModelArts client. Both sides may read `demo` (the demo
# account's public values), which is neither.
DASHBOARD_PACKAGES = ("accounts", "audit", "dashboard", "jobs", "modelarts")


def imported_modules(path: Path) -> set[str]:
    """Every absolute module name the file imports, statically or through importlib/__import__ with a literal."""
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
        elif isinstance(node, ast.Call) and _is_dynamic_import(node.func) and node.args:
            argument = node.args[0]
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                modules.add(argument.value)
    return modules


def _is_dynamic_import(function: ast.expr) -> bool:
    name = function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", None)
    return name in ("import_module", "__import__")


def crossings(packages: tuple[str, ...], forbidden: tuple[str, ...]) -> dict[str, set[str]]:
    """Files of ``packages`` importing any of ``forbidden``, with what they import, exceptions left out."""
    found = {}
    for package in packages:
        for path in sorted((REPO / package).rglob("*.py")):
            relative = path.relative_to(REPO)
            imports = {module for module in imported_modules(path) if module.split(".")[0] in forbidden}
            if imports:
                found[str(relative)] = imports
    return found


def test_simulator_imports_nothing_of_the_dashboard():
    assert crossings(SIMULATOR_PACKAGES, DASHBOARD_PACKAGES) == {}


def test_dashboard_imports_nothing_of_the_simulator():
    assert crossings(DASHBOARD_PACKAGES, SIMULATOR_PACKAGES) == {}


def test_the_client_imports_neither_django_nor_the_apps():
    """The client speaks ModelArts only: usable, and testable, without Django or the dashboard around it."""
    assert crossings(("modelarts",), ("django", "accounts", "audit", "dashboard", "jobs")) == {}


def test_settings_import_no_app():
    """Settings load before the apps do; an app imported from them would run before it is ready."""
    imports = {module.split(".")[0] for module in imported_modules(REPO / "dashboard" / "settings.py")}

    assert not imports & {"accounts", "audit", "jobs", "simulator"}


@pytest.mark.parametrize(
    ("source", "module"),
    [
        ("import jobs", "jobs"),
        ("import modelarts.signing as signing", "modelarts.signing"),
        ("from modelarts import signing", "modelarts"),
        ("def f():\n    from dashboard.settings import DEBUG", "dashboard.settings"),
        ("importlib.import_module('modelarts.signing')", "modelarts.signing"),
        ("__import__('simulator')", "simulator"),
    ],
)
def test_every_way_of_importing_is_seen(tmp_path, source, module):
    path = tmp_path / "module.py"
    path.write_text(source)

    assert imported_modules(path) == {module}


def private_names_imported(path: Path) -> set[str]:
    """Names starting with one underscore that the file imports from another module."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return {
        f"{node.module or '.'}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and not alias.name.startswith("__")
    }


def test_no_module_imports_another_ones_private_names():
    """A helper two modules need is public, in the module both may depend on (e.g. a manager method)."""
    found = {
        str(path.relative_to(REPO)): names
        for package in DASHBOARD_PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if (names := private_names_imported(path))
    }

    assert found == {}
