"""Forms to ask for access, to decide a request, and to grant access without one."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

# How long access may last: 1 hour to 30 days (the bounds `storage.access` enforces).
DURATIONS = [SelectChoice(str(hours), label) for hours, label in (
    (1, "1 hour"), (4, "4 hours"), (8, "8 hours"), (24, "1 day"), (72, "3 days"), (168, "1 week"),
    (336, "2 weeks"), (720, "30 days"))]


class AccessRequestForm(FlaskForm):
    site = SelectField("Site", validators=[DataRequired()])
    reason = TextAreaField("Why you need it", validators=[DataRequired(), Length(min=3, max=500)],
                           render_kw={"rows": 3, "placeholder": "e.g. I run our recruiting posts this week"})
    hours = SelectField("For how long", choices=DURATIONS, default="8")


class DecisionForm(FlaskForm):
    hours = SelectField("Grant for", choices=DURATIONS)
    note = StringField("Note to them (optional)", validators=[Optional(), Length(max=500)])
    approve = SubmitField("Approve")
    decline = SubmitField("Decline")


class GrantForm(FlaskForm):
    user = StringField("Person (account name)", validators=[DataRequired(), Length(max=100)],
                       render_kw={"autocapitalize": "none", "autocomplete": "off"})
    site = SelectField("Site", validators=[DataRequired()])
    hours = SelectField("For how long", choices=DURATIONS, default="8")
    note = StringField("Why (for the audit trail)", validators=[Optional(), Length(max=500)])
