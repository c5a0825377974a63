"""Forms to ask for access, to decide a request, to grant access without one, and to end or withdraw."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, SubmitField, TextAreaField

# SelectChoice is new in WTForms 3.3; the types-WTForms stubs (3.2) do not have it yet.
from wtforms.fields.choices import SelectChoice  # type: ignore[attr-defined]
from wtforms.validators import DataRequired, Length, Optional

# How long access may last: 1 hour to 30 days; the rules' `adjustable.grant.max` may allow less.
DURATIONS = [SelectChoice(str(hours), label) for hours, label in (
    (1, "1 hour"), (4, "4 hours"), (8, "8 hours"), (24, "1 day"), (72, "3 days"), (168, "1 week"),
    (336, "2 weeks"), (720, "30 days"))]


def durations_up_to(hours: int) -> list[SelectChoice]:
    """The durations offered when the rules allow at most `hours` (that bound itself included)."""
    offered = [choice for choice in DURATIONS if int(choice.value) <= hours]
    if hours not in {int(choice.value) for choice in offered}:
        offered.append(SelectChoice(str(hours), f"{hours} hours" if hours % 24 else f"{hours // 24} days"))
    return offered


def with_asked(choices: list[SelectChoice], hours: int) -> list[SelectChoice]:
    """`choices` with the duration a person asked for among them, so it can be the default."""
    if any(int(choice.value) == hours for choice in choices):
        return choices
    label = f"{hours} hours" if hours % 24 else f"{hours // 24} days"
    return sorted([*choices, SelectChoice(str(hours), label)], key=lambda choice: int(choice.value))


class AccessRequestForm(FlaskForm):
    site = SelectField("Site", validators=[DataRequired()])
    reason = TextAreaField("Why you need it", validators=[DataRequired(), Length(min=3, max=500)],
                           render_kw={"rows": 3, "placeholder": "e.g. I run our recruiting posts this week"})
    hours = SelectField("For how long", choices=DURATIONS, default="8")


class DecisionForm(FlaskForm):
    hours = SelectField("Grant for", choices=DURATIONS)
    minutes = SelectField("Add today", choices=[])      # requests for more time: minutes, not hours
    note = StringField("Note to them (optional)", validators=[Optional(), Length(max=500)])
    approve = SubmitField("Approve")
    decline = SubmitField("Decline")


class GrantForm(FlaskForm):
    user = SelectField("Person", validators=[DataRequired(message="Choose a person from your teams.")],
                       validate_choice=False)
    site = SelectField("Site", validators=[DataRequired()])
    hours = SelectField("For how long", choices=DURATIONS, default="8")
    note = StringField("Why (for the audit trail)", validators=[Optional(), Length(max=500)])


class MoreTimeForm(FlaskForm):
    """One tap for more time: the site, and the button pressed names the minutes."""
    site = HiddenField(validators=[DataRequired()])
    minutes = SelectField("More time", choices=[])


class ButtonForm(FlaskForm):
    """A form that is only a button (end a grant, withdraw a request): its CSRF token is all it carries."""
