"""The packages import only downwards: policy ← storage ← proxy_addons / web ← cli; tests never import bench.

Every `import` and `from … import` is read with `ast`, at module level and inside functions alike, so a
lazy import cannot hide a breach. docs/architecture.md says why each layer may import what it does.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
INTERNAL = {"policy", "storage", "proxy_addons", "web", "cli", "bench", "tests"}
PRODUCT = {"policy", "storage", "proxy_addons", "web", "cli"}

# What each top-level folder may import from the others (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    "policy": set(),
    "storage": {"policy"},
    "proxy_addons": {"policy", "storage"},
    "web": {"policy", "storage"},
    "cli": set(PRODUCT),
    "tests": INTERNAL - {"bench"},
}


def imported_packages(source: str, module: str) -> list[tuple[int, str]]:
    """(line, top-level package) of every import in `source`, the text of dotted `module`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name.split(".")[0]) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:      # relative: resolved against the importing module's own package
                base = module.split(".")[:-node.level]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((node.lineno, target.split(".")[0]))
    return found


def breaches(source: str, module: str) -> list[str]:
    """Each import in `source` (dotted `module`) that its layer may not make, as 'module:line imports pkg'."""
    layer = module.split(".")[0]
    allowed = ALLOWED[layer] | {layer}
    return [f"{module}:{line} imports {package}"
            for line, package in imported_packages(source, module)
            if package in INTERNAL and package not in allowed]


def module_name(path: Path) -> str:
    """Dotted name; a package keeps its `__init__` so that `from . import x` resolves inside it."""
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def all_breaches() -> list[str]:
    found = []
    for layer in ALLOWED:
        for path in sorted((ROOT / layer).rglob("*.py")):
            found += breaches(path.read_text(encoding="utf-8"), module_name(path))
    return found


def test_no_package_imports_upwards_or_sideways():
    assert all_breaches() == []


def test_every_layer_is_checked():
    assert {module_name(p).split(".")[0] for layer in ALLOWED for p in (ROOT / layer).rglob("*.py")} == set(ALLOWED)


def test_a_breach_is_caught_at_module_level_and_inside_functions():
    web_view = "from policy.engine.engine import Policy\nfrom proxy_addons.pages import render\n"
    assert breaches(web_view, "web.me.views") == ["web.me.views:2 imports proxy_addons"]
    lazy = "def load():\n    import web.db\n    return web.db\n"
    assert breaches(lazy, "proxy_addons.usage.counter") == ["proxy_addons.usage.counter:2 imports web"]
    assert breaches("import storage.db\n", "policy.engine.engine") == ["policy.engine.engine:1 imports storage"]
    assert breaches("from cli import main\n", "storage.db") == ["storage.db:1 imports cli"]


def test_relative_imports_are_resolved_before_judging():
    assert breaches("from ..proxy_addons import pages\n", "web.views") == ["web.views:1 imports proxy_addons"]
    assert breaches("from . import forms\n", "web.me.views") == []


def test_tests_may_not_import_bench():
    assert breaches("from bench.policy_gen import generate_doc\n", "tests.policy.engine.test_engine") == [
        "tests.policy.engine.test_engine:1 imports bench"]
    assert breaches("from tests.support.net import free_port\nimport cli.main\n", "tests.cli.test_main") == []


def test_cli_may_import_every_product_package_but_not_tests():
    assert breaches("import policy, storage, proxy_addons, web\n", "cli.main") == []
    assert breaches("from tests.support import net\n", "cli.demo") == ["cli.demo:1 imports tests"]
