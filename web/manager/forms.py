"""The form for one group's values of one rule: only the fields the rule's `adjustable` opens."""
from __future__ import annotations

import re
from typing import Any

from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, SelectField, SelectMultipleField
from wtforms.validators import NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from web.manager.adjustable import Tunable
from web.manager.saving import version_of
from web.manager.wording import action_word


class AdjustForm(FlaskForm):
    """Posted with a plain `tunable` field (RULE/GROUP) that says which form it is, and the `version`
    of the saved adjustment it was read from: a save over a newer one is refused (web/manager/saving.py)."""
    version = HiddenField()
    minutes = IntegerField("Minutes", validators=[Optional(), NumberRange(min=0, max=7 * 24 * 60)])
    action = SelectField("What happens", validators=[Optional()])
    when = SelectMultipleField("When it applies", widget=ListWidget(prefix_label=False),
                               option_widget=CheckboxInput(), validators=[Optional()])


def prefix_of(tunable: Tunable) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "_", tunable.key)


def adjust_form(tunable: Tunable, formdata=None, values: dict | None = None) -> AdjustForm:
    """The form for `tunable`, showing `values` (default: what is in force) unless `formdata` is given."""
    values = values if values is not None else {
        "minutes": tunable.value("minutes"), "action": tunable.value("action"), "when": tunable.value("when")}
    kwargs = {} if formdata is not None else {"formdata": None, "version": version_of(tunable.current)}
    form = AdjustForm(prefix=prefix_of(tunable), **kwargs, **values)
    bounds = tunable.bounds
    form.action.choices = [(action, action_word(action).capitalize()) for action in bounds.actions or ()]
    form.when.choices = [(name, name) for name in bounds.when or ()]
    if bounds.minutes:
        low, high = bounds.minutes
        per = tunable.rule.quota.per if tunable.rule.quota else "day"
        form.minutes.label.text = f"Minutes a {per} ({low} to {high})"
        form.minutes.render_kw = {"inputmode": "numeric"}
    return form


def new_values(tunable: Tunable, form: AdjustForm) -> dict:
    """The values the form asks for, limited to what the rule lets managers change. A value equal to
    what the rules say is no adjustment at all, so choosing it again returns the group to the rules."""
    bounds, rule = tunable.bounds, tunable.rule
    values: dict[str, Any] = {}
    if bounds.minutes and form.minutes.data is not None and form.minutes.data != (rule.quota and rule.quota.minutes):
        values["minutes"] = form.minutes.data
    if bounds.actions and form.action.data and form.action.data != rule.action:
        values["action"] = form.action.data
    if bounds.when and form.when.data and list(form.when.data) != list(rule.when):
        values["when"] = list(form.when.data)
    return values
