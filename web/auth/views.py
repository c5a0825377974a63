"""Sign-in, sign-out and password change views."""
from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from storage import audit
from storage.directory.ldap import DirectoryError
from storage.sign_in.accounts import authenticate
from storage.sign_in.throttle import Verdict
from web.auth import bp
from web.auth.directory import directory_sign_in, is_directory_account
from web.auth.forms import PasswordChangeForm, SignInForm
from web.auth.redirects import safe_next
from web.auth.sessions import login_manager
from web.auth.throttle import REFUSALS, account_target, after_check, before_check, not_checked
from web.db import db
from web.directory import settings as directory_settings

# One answer for an unknown name and a wrong password, so the page never tells which names exist.
WRONG = "Wrong account name or password."
THROTTLED = REFUSALS[Verdict.THROTTLED][0]
MUST_CHANGE = "Your password was set by an admin: choose your own to go on."
DIRECTORY_DOWN = ("The company directory cannot be reached, so directory passwords cannot be checked right now. "
                  "Try again in a few minutes.")
DIRECTORY_PASSWORD = "Your password is your company directory password: change it where you change that one."
# What someone who must choose a new password may still open: this, signing out, and what devices
# fetch without a person (the proxy auto-configuration and the CA certificate).
OPEN_WHILE_CHANGING = {"auth.password", "auth.logout", "auth.login", "static", "devices.proxy_pac",
                       "devices.ca_pem", "device_setup.page", "device_setup.apple_profile",
                       "device_setup.apple_supervised_profile", "device_setup.chrome_policy",
                       "device_setup.firefox_policies"}


@bp.before_app_request
def password_first():
    """An admin-set password is replaced before anything else is used."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_WHILE_CHANGING):
        return redirect(url_for("auth.password"))
    return None


def _heading(target: str) -> str:
    """What signing in is for: the home page and one's own page show one's policy. The generic
    "Please sign in to see this page." is then left out: the heading already says it."""
    path = target.split("?", 1)[0]
    if path in (url_for("home"), url_for("me.index")):
        purpose = "Sign in to see your policy"
    elif path == url_for("requests.new"):
        purpose = "Sign in to ask for access"
    else:
        return "Sign in"
    flashes = session.get("_flashes")
    if flashes:
        session["_flashes"] = [entry for entry in flashes if entry[1] != login_manager.login_message]
    return purpose


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = SignInForm()
    target = safe_next(request.args.get("next"), default=url_for("home"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(target)
    heading = _heading(target)
    if not form.validate_on_submit():
        return render_template("auth/login.html", form=form, error=None, heading=heading), 400 if form.errors else 200
    name, address = form.name.data.strip(), request.remote_addr
    verdict = before_check(name, address)   # counted before the password is looked at
    if verdict is not Verdict.CHECK:
        error, status = REFUSALS[verdict]
        return render_template("auth/login.html", form=form, error=error, heading=heading), status
    user = authenticate(db(), name, form.password.data)
    directory = directory_settings()
    if user is None and directory is not None:
        try:
            user = directory_sign_in(db(), directory, name, form.password.data)
        except DirectoryError as exc:
            db().rollback()
            not_checked(name, address)   # not a failure of the person's, nor a success that wipes the count
            current_app.logger.warning("directory sign-in not possible: %s", exc)
            return render_template("auth/login.html", form=form, error=DIRECTORY_DOWN), 503
    # authenticate may have upgraded the stored hash; committing also ends this read transaction, which
    # on SQLite could not become a write once the counter's own transaction has committed since.
    db().commit()
    after_check(name, address, ok=user is not None)
    if user is None:
        return render_template("auth/login.html", form=form, error=WRONG, heading=heading), 200
    session.clear()  # nothing from before sign-in survives into the signed-in session
    login_user(user)
    if user.must_change_password:
        flash(MUST_CHANGE, "info")
        return redirect(url_for("auth.password"))
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
    if is_directory_account(current_user):
        flash(DIRECTORY_PASSWORD, "info")
        return redirect(url_for("home"))
    form = PasswordChangeForm()
    form.account_name = current_user.name   # a password may not be made of one's own name
    status = 200
    if form.validate_on_submit():
        name, address = current_user.name, request.remote_addr
        db().commit()   # end the read that loaded the account: the change below starts afresh after the counter's
        verdict = before_check(name, address, refused_action="password check throttled")
        if verdict is not Verdict.CHECK:
            error, status = REFUSALS[verdict]
            form.current.errors.append(error)
            return render_template("auth/password.html", form=form), status
        ok = current_user.check_password(form.current.data)
        after_check(name, address, ok, failed_action="password check failed", why="wrong current password")
        if not ok:
            form.current.errors.append("This is not your current password.")
        else:
            current_user.set_password(form.new.data)  # ends every other session
            audit.record(db(), actor=current_user.name, action="password changed",
                         target=account_target(current_user.name), before={"sessions": "open"},
                         after={"sessions": "ended"}, source=address)
            db().commit()
            login_user(current_user._get_current_object())  # this session continues, with the new generation
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("home"))
    return render_template("auth/password.html", form=form), 400 if form.errors else status
