"""Sign-in, sign-out and password change views."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from storage import audit
from storage.accounts import authenticate
from web.auth import bp
from web.auth.forms import PasswordChangeForm, SignInForm
from web.auth.redirects import safe_next
from web.auth.throttle import account_target, is_throttled
from web.db import db

# One answer for an unknown name and a wrong password, so the page never tells which names exist.
WRONG = "Wrong account name or password."
THROTTLED = "Too many failed sign-ins for this account or from your address. Wait a few minutes and try again."


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    target = safe_next(request.args.get("next"), default=url_for("home"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, error=None), 400 if form.errors else 200
    name, address = form.name.data.strip(), request.remote_addr
    if is_throttled(db(), name, address):
        _record_failure(name, address, "throttled")
        return render_template("auth/login.html", form=form, error=THROTTLED), 429
    user = authenticate(db(), name, form.password.data)
    if user is None:
        _record_failure(name, address, "wrong name or password")
        return render_template("auth/login.html", form=form, error=WRONG), 200
    db().commit()  # authenticate may have upgraded the stored hash
    session.clear()  # nothing from before sign-in survives into the signed-in session
    login_user(user)
    return redirect(target)


@bp.post("/logout")
@login_required
def logout():
    # CSRFProtect has already checked the SignOutForm's token: another site cannot sign people out.
    current_user.end_sessions()  # every copy of this session's cookie stops working too
    db().commit()
    logout_user()
    session.clear()
    flash("You are signed out.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if not current_user.check_password(form.current.data):
            form.current.errors.append("This is not your current password.")
        else:
            current_user.set_password(form.new.data)  # ends every other session
            audit.record(db(), actor=current_user.name, action="password changed",
                         target=account_target(current_user.name), before={"sessions": "open"},
                         after={"sessions": "ended"}, source=request.remote_addr)
            db().commit()
            login_user(current_user._get_current_object())  # this session continues, with the new generation
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("home"))
    return render_template("auth/password.html", form=form), 400 if form.errors else 200


def _record_failure(name: str, address: str | None, why: str) -> None:
    audit.record(db(), actor=None, action=audit.SIGN_IN_FAILED, target=account_target(name),
                 after={"why": why}, source=address)
    db().commit()
