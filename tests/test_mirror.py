"""Every module of the product has its mirrored test file: policy/foo.py → tests/policy/test_foo.py.

A module without one is either tested there by a new file or listed in EXCEPTIONS with the reason it
has none of its own (where it is tested instead). An exception whose module is gone, or that has its
test file now, fails too, so the list only shrinks.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("policy", "storage", "proxy_addons", "web", "cli")

EXCEPTIONS: dict[str, str] = {
    "proxy_addons/watercooler.py": "the `mitmdump -s` entry point, a few lines; every proxy test loads it",
    "storage/migrations/env.py": "Alembic runs it; tests/storage/test_migrate.py upgrades through it",
    "storage/base.py": "the declarative base alone; every model test uses it",
    "storage/models.py": "imports only; tests/storage/test_migrate.py checks the models match the migrations",
    "storage/usage/indexes.py": "index definitions; tests/storage/test_migrate.py checks them against the migrations",
    "proxy_addons/usage/contract.py": "a Protocol; tests/proxy_addons/usage/test_sinks.py runs both sinks against it",
    "proxy_addons/parts.py": "the addon's wiring; tests/proxy_addons/test_addon.py and the e2e tests drive it",
    "policy/model.py": "the validated values; every tests/policy test builds and reads them",
    "storage/spool/segments.py": "segment files; tests/storage/spool/test_folder.py covers them through the spool",
    "storage/writer/database.py": "the writer's database thread; tests/storage/writer/test_background.py",
    "web/admin/forms.py": "forms; tests/web/admin/test_accounts.py posts them",
    "web/auth/sessions.py": "Flask-Login wiring; tests/web/auth/test_views.py signs in and out",
    "web/manager/forms.py": "forms; tests/web/manager/test_views.py and test_saving.py post them",
    "web/manager/impact.py": "previews' counts; tests/web/manager/test_previews.py",
    "web/manager/trend.py": "the community trend; tests/web/manager/test_summaries.py",
}


def mirrored(module: Path) -> Path:
    """tests/<package>/…/test_<module>.py for a module path relative to the repository."""
    return Path("tests", *module.parent.parts, f"test_{module.name}")


def modules(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[Path]:
    found = []
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            relative = path.relative_to(root)
            if path.name != "__init__.py" and "versions" not in relative.parts[:-1]:
                found.append(relative)
    return found


def problems(root: Path, exceptions: dict[str, str], packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """Each module without its test file and not excepted, and each exception that no longer applies."""
    found = []
    listed = modules(root, packages)
    for module in listed:
        has_test = (root / mirrored(module)).is_file()
        if not has_test and module.as_posix() not in exceptions:
            found.append(f"{module.as_posix()}: no {mirrored(module).as_posix()}")
        elif has_test and module.as_posix() in exceptions:
            found.append(f"{module.as_posix()}: has {mirrored(module).as_posix()}; drop its exception")
    for name in sorted(set(exceptions) - {module.as_posix() for module in listed}):
        found.append(f"{name}: excepted, but there is no such module")
    return found


def test_every_module_has_its_mirrored_test_file():
    assert problems(ROOT, EXCEPTIONS) == []


def test_every_exception_gives_a_reason():
    assert all(reason.strip() for reason in EXCEPTIONS.values())


def test_a_missing_test_file_is_caught(tmp_path):
    (tmp_path / "policy" / "inner").mkdir(parents=True)
    for name in ("__init__.py", "engine.py", "wording.py", "inner/__init__.py", "inner/deep.py"):
        (tmp_path / "policy" / name).write_text('"""A module."""\n')
    (tmp_path / "tests" / "policy").mkdir(parents=True)
    (tmp_path / "tests" / "policy" / "test_engine.py").write_text("")
    assert problems(tmp_path, {}, ("policy",)) == [
        "policy/inner/deep.py: no tests/policy/inner/test_deep.py",
        "policy/wording.py: no tests/policy/test_wording.py",
    ]
    assert problems(tmp_path, {"policy/wording.py": "r", "policy/inner/deep.py": "r"}, ("policy",)) == []


def test_stale_exceptions_are_caught(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "clock.py").write_text("")
    (tmp_path / "tests" / "web").mkdir(parents=True)
    (tmp_path / "tests" / "web" / "test_clock.py").write_text("")
    assert problems(tmp_path, {"web/clock.py": "r", "web/gone.py": "r"}, ("web",)) == [
        "web/clock.py: has tests/web/test_clock.py; drop its exception",
        "web/gone.py: excepted, but there is no such module",
    ]


def test_migration_revisions_need_no_test_of_their_own(tmp_path):
    versions = tmp_path / "storage" / "migrations" / "versions"
    versions.mkdir(parents=True)
    (versions / "0001_usage.py").write_text("")
    assert problems(tmp_path, {}, ("storage",)) == []


def undescribed(root: Path, packages: tuple[str, ...] = PACKAGES) -> list[str]:
    """Each product folder whose `__init__.py` is missing or does not open with a one-line docstring."""
    found = []
    for package in packages:
        for folder in sorted(p for p in (root / package).rglob("*") if p.is_dir()):
            if not any(folder.glob("*.py")) or folder.name == "__pycache__" or "versions" in folder.parts:
                continue
            init = folder / "__init__.py"
            doc = ast.get_docstring(ast.parse(init.read_text())) if init.is_file() else None
            if not doc or "\n" in doc.strip():
                found.append(folder.relative_to(root).as_posix())
    return found


def test_every_folder_says_in_one_line_what_it_holds():
    assert undescribed(ROOT) == []


def test_a_folder_without_its_line_is_caught(tmp_path):
    (tmp_path / "policy" / "engine").mkdir(parents=True)
    (tmp_path / "policy" / "__init__.py").write_text('"""The policy."""\n')
    (tmp_path / "policy" / "engine" / "compiler.py").write_text('"""A module."""\n')
    assert undescribed(tmp_path, ("policy",)) == ["policy/engine"]
    (tmp_path / "policy" / "engine" / "__init__.py").write_text('"""The engine."""\n')
    assert undescribed(tmp_path, ("policy",)) == []
