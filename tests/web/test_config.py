"""Settings come in layers: defaults, then WATERCOOLER_* variables, then the mapping passed in."""
from __future__ import annotations

import stat

from sqlalchemy import inspect

from storage.db import make_engine
from storage.migrate import current_revision, head_revision
from web import create_app


def _app(tmp_path, **overrides):
    return create_app({"DB": f"sqlite:///{tmp_path / 'p.db'}", "DATA": str(tmp_path), "DB_SETUP": "none",
                       **overrides})


def test_defaults_apply_when_nothing_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("WATERCOOLER_MIN_GROUP_SIZE", raising=False)
    app = _app(tmp_path)
    assert app.config["MIN_GROUP_SIZE"] == 5
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax" and app.config["SESSION_COOKIE_HTTPONLY"]


def test_environment_overrides_defaults_and_the_mapping_overrides_both(tmp_path, monkeypatch):
    monkeypatch.setenv("WATERCOOLER_MIN_GROUP_SIZE", "8")
    monkeypatch.setenv("WATERCOOLER_RULES", "/etc/watercooler/rules")
    app = _app(tmp_path)
    assert app.config["MIN_GROUP_SIZE"] == 8  # read as JSON: a number
    assert app.config["RULES"] == "/etc/watercooler/rules"
    assert _app(tmp_path, MIN_GROUP_SIZE=3).config["MIN_GROUP_SIZE"] == 3


def test_a_generated_secret_key_is_kept_private_and_reused(tmp_path, monkeypatch):
    monkeypatch.delenv("WATERCOOLER_SECRET_KEY", raising=False)
    first = _app(tmp_path).config["SECRET_KEY"]
    assert len(first) >= 40
    assert _app(tmp_path).config["SECRET_KEY"] == first  # sessions survive a restart
    mode = stat.S_IMODE((tmp_path / "panel-secret-key").stat().st_mode)
    assert mode == 0o600


def test_by_default_the_database_in_the_data_folder_is_brought_up_to_date(tmp_path, monkeypatch):
    monkeypatch.delenv("WATERCOOLER_DB", raising=False)
    app = create_app({"DATA": str(tmp_path)})
    assert app.config["DB"] == f"sqlite:///{tmp_path.resolve() / 'watercooler.db'}"
    engine = make_engine(app.config["DB"])
    assert current_revision(engine) == head_revision()
    assert {"accounts", "audit"} <= set(inspect(engine).get_table_names())
    engine.dispose()
