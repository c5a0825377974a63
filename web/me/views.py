"""The person's own account page."""
from __future__ import annotations

from flask import render_template
from flask_login import current_user, login_required

from web.me import bp


@bp.get("/account")
@login_required
def account():
    return render_template("me/account.html", user=current_user)
