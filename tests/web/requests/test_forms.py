from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict

from web.requests.forms import DURATIONS, AccessRequestForm, durations_up_to, with_asked


def _values(choices) -> list[str]:
    return [choice.value for choice in choices]


def test_durations_stop_at_the_rules_bound_and_offer_the_bound_itself():
    assert _values(durations_up_to(24)) == ["1", "4", "8", "24"]
    assert _values(durations_up_to(48)) == ["1", "4", "8", "24", "48"]
    assert durations_up_to(48)[-1].label == "2 days" and durations_up_to(6)[-1].label == "6 hours"
    assert _values(durations_up_to(720)) == _values(DURATIONS)


def test_the_duration_asked_for_is_among_the_choices_in_order():
    assert _values(with_asked(durations_up_to(24), 8)) == ["1", "4", "8", "24"]
    assert _values(with_asked(durations_up_to(24), 12)) == ["1", "4", "8", "12", "24"]


def test_a_request_needs_a_site_and_a_reason_of_a_few_words():
    app = Flask(__name__)
    app.config.update(SECRET_KEY="test", WTF_CSRF_ENABLED=False)
    with app.test_request_context(method="POST"):
        form = AccessRequestForm(formdata=MultiDict({"site": "facebook", "reason": "ok", "hours": "8"}))
        form.site.choices = [("facebook", "Facebook")]
        assert not form.validate() and "reason" in form.errors
        form = AccessRequestForm(formdata=MultiDict({"site": "facebook", "reason": "Job ads", "hours": "8"}))
        form.site.choices = [("facebook", "Facebook")]
        assert form.validate(), form.errors
