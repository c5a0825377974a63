"""Rules in plain words, as the status page shows them."""
import policy
from tests.web.conftest import RULES
from web.admin.rule_words import describe_default, describe_rule

POLICY = policy.load(RULES)
RULE = {rule.name: rule for rule in POLICY.doc.rules}


def test_each_kind_of_rule_reads_as_a_sentence():
    assert describe_rule(POLICY, RULE["forum-open"]) == "For everyone: Company forum is open."
    assert describe_rule(POLICY, RULE["linkedin-read-only"]) == \
        "For everyone: LinkedIn is reading only (no posting, uploading or editing)."
    assert describe_rule(POLICY, RULE["youtube-nudge"]) == \
        "For group staff: YouTube asks first (a reminder page with Continue; a Continue lasts 60 minutes)."
    assert describe_rule(POLICY, RULE["comms-runs-our-accounts"]) == \
        "For group communications: all of External social media is open."
    assert describe_rule(POLICY, RULE["social-budget"]) == \
        "For group staff: Facebook is on a budget of 30 minutes a day."
    assert describe_default(POLICY) == "anything else is closed"
