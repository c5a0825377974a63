"""Rules become bits; who and sites become masks, so a request only combines two numbers."""
from __future__ import annotations

from dataclasses import replace
from zoneinfo import ZoneInfo

import pytest

from policy.engine.compiler import Variant, compile_doc
from tests.support.policies import doc, rule, sample_doc

BERLIN = ZoneInfo("Europe/Berlin")


def bits(compiled, mask: int) -> list[str]:
    return [rule.name for rule in compiled.rules if mask >> rule.index & 1]


def test_principal_masks():
    compiled = compile_doc(sample_doc(), BERLIN)
    everyone = ["social-at-lunch", "linkedin-no-posting-at-work", "youtube-nudge", "no-social-otherwise"]
    assert bits(compiled, compiled.everyone) == everyone
    assert bits(compiled, compiled.anonymous) == ["guests-no-social"]
    assert bits(compiled, compiled.networks["guest-wifi"]) == ["guests-no-social"]
    assert bits(compiled, compiled.users["alice"]) == everyone[:1] + ["social-budget"] + everyone[1:]
    assert bits(compiled, compiled.users["cleo"]) == ["comms-runs-our-accounts"] + everyone
    assert "zed" not in compiled.users          # unknown people get the `everyone` mask


def test_host_masks():
    compiled = compile_doc(sample_doc(), BERLIN)
    assert bits(compiled, compiled.sitemap.match("www.youtube.com").mask) == [
        "comms-runs-our-accounts", "guests-no-social", "social-at-lunch", "social-budget", "youtube-nudge",
        "no-social-otherwise"]
    assert bits(compiled, compiled.sitemap.match("vimeo.com").mask) == ["youtube-nudge"]
    assert bits(compiled, compiled.sitemap.match("forum.corp.example").mask) == []


def test_a_variant_sits_before_its_rule_and_only_its_users_carry_it():
    doc = sample_doc()
    budget = next(rule for rule in doc.rules if rule.name == "social-budget")
    more = Variant(replace(budget, quota=replace(budget.quota, minutes=60)), frozenset({"alice"}), ("marketing",))
    compiled = compile_doc(doc, BERLIN, {"social-budget": (more,)})
    variant, original = (rule for rule in compiled.rules if rule.name == "social-budget")
    assert variant.index + 1 == original.index and variant.adjusted_for == ("marketing",)
    assert compiled.users["alice"] >> variant.index & 1 and not compiled.users["alice"] >> original.index & 1
    assert compiled.users["bob"] >> original.index & 1 and not compiled.users["bob"] >> variant.index & 1


def test_rules_know_when_they_always_apply():
    compiled = compile_doc(sample_doc(), BERLIN)
    always = {rule.name: rule.always for rule in compiled.rules}
    assert always["no-social-otherwise"] and not always["social-at-lunch"]
    assert not always["linkedin-no-posting-at-work"]           # except: holidays


def test_unchecked_references_are_refused_with_a_sentence():
    with pytest.raises(ValueError, match=r"rule r \(test.yaml:1:1\) names unknown schedule 'lunch'"):
        compile_doc(doc(rules=[rule("r", ["category:x"], when=["lunch"])]), BERLIN)
    with pytest.raises(ValueError, match=r"rule r \(test.yaml:1:1\) names unknown site 'myspace'"):
        compile_doc(doc(rules=[rule("r", ["myspace"])]), BERLIN)
