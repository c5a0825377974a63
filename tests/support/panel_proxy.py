"""A live panel and a real proxy sharing one database and one rules folder, both at Thursday 10:00 in
Berlin, with erin (employee) and carol (manager): the set-up of the browser tests of the whole loop."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from storage.sign_in.accounts import new_user
from tests.support.live_panel import serve
from tests.support.proxy_env import start_env, write_rules
from tests.web.conftest import PASSWORD, THURSDAY_10
from web import create_app
from web.db import db


@contextmanager
def panel_and_proxy(tmp_path: Path, rules: str,
                    before: Callable[[Any], None] = lambda app: None) -> Iterator[tuple[Any, str, Any]]:
    """(app, panel URL, proxy env); `before(app)` runs once the accounts exist, before either starts."""
    url = f"sqlite:///{tmp_path / 'watercooler.db'}"
    folder = write_rules(tmp_path / "panel-rules", rules)
    app = create_app({"DB": url, "DATA": str(tmp_path), "SECRET_KEY": "test", "RULES": str(folder),
                      "CLOCK": lambda: THURSDAY_10})
    with app.app_context():
        db().add_all([new_user("erin", "employee", PASSWORD, must_change=False),
                      new_user("carol", "manager", PASSWORD, must_change=False)])
        db().commit()
    before(app)
    with serve(app) as panel:
        env = start_env(tmp_path, rules, options={"proxyauth": "any", "watercooler_db": url,
                                                  "watercooler_panel_url": panel})
        try:
            yield app, panel, env
        finally:
            env.stop()


def sign_in(page: Any, name: str) -> None:
    """Fill in the sign-in form the page shows."""
    page.get_by_label("Account name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
