"""Account administration: list, create, change role or access, reset password, lift a sign-in
throttle. Every change audited."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from storage import audit
from storage.sign_in.accounts import User, find_user, new_user
from storage.sign_in.throttle import counters_for, lift
from web.admin import bp
from web.admin.forms import AccountForm, LiftThrottleForm, NewAccountForm, ResetPasswordForm
from web.admin.known_names import NameInRules, known_names, name_in_rules
from web.auth.throttle import account_target
from web.db import db
from web.policy_source import PolicyUnavailable, current_policy
from web.roles import role_required


def _audit(action: str, user: User, before=None, after=None) -> None:
    audit.record(db(), actor=current_user.name, action=action, target=account_target(user.name),
                 before=before, after=after, source=request.remote_addr)


def _state(user: User) -> dict:
    return {"role": user.role, "active": user.active}


@bp.route("/accounts", methods=["GET", "POST"])
@role_required("admin")
def accounts():
    form = NewAccountForm()
    if form.validate_on_submit():
        if find_user(db(), form.name.data) is not None:
            form.name.errors.append("An account with this name exists; open it below to change it.")
        else:
            user = new_user(form.name.data, form.role.data, form.password.data)
            db().add(user)
            _audit("account created", user, after=_state(user))
            db().commit()
            flash(f"Account {user.name} created.", "success")
            found = _in_rules([user.name]).get(user.name)
            if found is not None:
                flash(found.sentence(), "success" if found.known else "error")
            return redirect(url_for("admin.accounts"))
    users = db().scalars(select(User).order_by(User.name)).all()
    return render_template("admin/accounts.html", form=form, users=users,
                           in_rules=_in_rules([user.name for user in users])), 400 if form.errors else 200


def _in_rules(names: list[str]) -> dict[str, NameInRules]:
    """What the rules know of each name (nothing when the rules do not load: the status page says why)."""
    try:
        policy = current_policy()
    except PolicyUnavailable:
        return {}
    known = known_names(policy)
    return {name: name_in_rules(policy, name, known) for name in names}


@bp.route("/accounts/<int:account_id>", methods=["GET", "POST"])
@role_required("admin")
def account(account_id: int):
    user = db().get(User, account_id) or abort(404)
    form = AccountForm(obj=user)
    if form.validate_on_submit():
        if user.id == current_user.id and (form.role.data != "admin" or not form.active.data):
            form.role.errors = [*form.role.errors, "You cannot take away your own admin access; ask another admin."]
        else:
            before = _state(user)
            user.role = form.role.data
            if not form.active.data:
                user.disable()   # its sessions end for good: re-enabling revives none
            else:
                user.active = True
            if before != _state(user):
                _audit("account changed", user, before=before, after=_state(user))
                db().commit()
                flash(f"Account {user.name} changed.", "success")
            return redirect(url_for("admin.account", account_id=user.id))
    return _account_page(user, form=form)


def _account_page(user: User, form=None, reset=None):
    form = form or AccountForm(obj=user)
    reset = reset or ResetPasswordForm()
    status = 400 if form.errors or reset.errors else 200
    return render_template("admin/account.html", user=user, form=form, reset=reset, lift=LiftThrottleForm(),
                           counters=counters_for(db(), user.name)), status


@bp.post("/accounts/<int:account_id>/password")
@role_required("admin")
def reset_password(account_id: int):
    user = db().get(User, account_id) or abort(404)
    reset = ResetPasswordForm()
    reset.account_name = user.name
    if not reset.validate_on_submit() or reset.password.data is None:
        return _account_page(user, reset=reset)
    user.set_password(reset.password.data, must_change=True)  # also signs the account out everywhere
    _audit("password reset", user, before={"sessions": "open"}, after={"sessions": "ended", "must change": True})
    db().commit()
    flash(f"Password of {user.name} reset; their open sessions were signed out, and they choose a new "
          "password at their next sign-in.", "success")
    return redirect(url_for("admin.account", account_id=user.id))


@bp.post("/accounts/<int:account_id>/throttle")
@role_required("admin")
def lift_throttle(account_id: int):
    user = db().get(User, account_id) or abort(404)
    if not LiftThrottleForm().validate_on_submit():
        abort(400)
    counted = {(c.address or "every address") if c.account else f"{c.address} (all names)":
               {"failed checks": c.checks, "refused": c.refused} for c in counters_for(db(), user.name)}
    db().commit()   # end the reads: on SQLite the write below must start its own transaction
    lift(db(), user.name)
    _audit("sign-in throttle lifted", user, before=counted or None, after={})
    db().commit()
    flash(f"Sign-in throttles of {user.name} lifted: every address may try again now.", "success")
    return redirect(url_for("admin.account", account_id=user.id))
