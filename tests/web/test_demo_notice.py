from __future__ import annotations

from flask import Flask

from storage.audit import record
from web import db as panel_db, demo_notice
from web.demo import SEEDED


def _app(tmp_path) -> Flask:
    app = Flask(__name__)
    app.config.update(DB=f"sqlite:///{tmp_path / 'panel.db'}", DB_SETUP="create")
    panel_db.init_app(app)
    return app


def _seed(app: Flask) -> None:
    with app.app_context():
        record(panel_db.db(), actor=None, action=SEEDED, target="demo")
        panel_db.db().commit()


def test_real_data_has_no_notice_and_seeded_data_has_one(tmp_path):
    real, seeded = _app(tmp_path / "real"), _app(tmp_path / "seeded")
    _seed(seeded)
    with real.app_context():
        assert demo_notice.demo_data() is False
    with seeded.app_context():
        assert demo_notice.demo_data() is True


def test_the_answer_is_asked_again_only_after_a_while(tmp_path, monkeypatch):
    app = _app(tmp_path)
    with app.app_context():
        assert demo_notice.demo_data() is False
    _seed(app)
    with app.app_context():
        assert demo_notice.demo_data() is False          # every page asks: the answer is kept a minute
    monkeypatch.setattr(demo_notice, "RECHECK", 0.0)
    with app.app_context():
        assert demo_notice.demo_data() is True
