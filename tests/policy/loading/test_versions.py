"""A policy's version changes with what it says, not with where or in which order it was written."""
from __future__ import annotations

from dataclasses import replace

from policy.loading.versions import doc_version
from policy.model import Source
from tests.support.policies import group, sample_doc


def test_the_version_is_short_and_stable():
    version = doc_version(sample_doc())
    assert len(version) == 12 and int(version, 16) >= 0
    assert doc_version(sample_doc()) == version


def test_places_and_files_do_not_count():
    doc = sample_doc()
    moved = replace(doc, files=("elsewhere.yaml",),
                    rules=tuple(replace(r, source=Source("x.yaml", 99, 3)) for r in doc.rules))
    assert doc_version(moved) == doc_version(doc)


def test_member_order_does_not_count_but_content_does():
    doc = sample_doc()
    shuffled = sample_doc(groups=[group("marketing", ["bob", "alice"], managers=["carol"]),
                                  *[g for g in doc.groups.values() if g.name != "marketing"]])
    assert doc_version(shuffled) == doc_version(doc)
    assert doc_version(sample_doc(default="block")) != doc_version(doc)
    assert doc_version(replace(doc, rules=doc.rules[:-1])) != doc_version(doc)
