"""Composing YAML events into nodes: libyaml and PyYAML agree, and depth is bounded before anything recurses."""
from __future__ import annotations

import pytest
from yaml.nodes import MappingNode, Node, SequenceNode

from policy.loading import yamlcompose
from policy.loading.problems import PolicyError
from tests.support.cli_run import RULES


def shape(node: Node | None):
    """A node tree as nested tuples of (tag, value, line, column), to compare two parsers' trees."""
    if node is None:
        return None
    place = (node.tag, node.start_mark.line, node.start_mark.column)
    if isinstance(node, MappingNode):
        return place + (tuple((shape(k), shape(v)) for k, v in node.value),)
    if isinstance(node, SequenceNode):
        return place + (tuple(shape(item) for item in node.value),)
    return place + (node.value,)


@pytest.mark.parametrize("path", sorted(RULES.glob("*.yaml")) + sorted(RULES.glob("tests/*.yaml")),
                         ids=lambda p: p.name)
def test_libyaml_and_pyyaml_compose_the_same_tree(path):
    text = path.read_text(encoding="utf-8")
    fast = yamlcompose._Composer("f", yamlcompose._LibyamlEvents(text)).document()[0]
    slow = yamlcompose._Composer("f", yamlcompose._PythonEvents(text)).document()[0]
    assert shape(fast) == shape(slow)


@pytest.mark.parametrize("text", ["x: " + "[" * 400_000 + "]" * 400_000,
                                  "x:\n" + "- " * 400_000 + "deep\n",
                                  "x: " + "{a: " * 200_000 + "1" + "}" * 200_000])
def test_deep_nesting_stops_at_the_limit_without_recursing(text):
    with pytest.raises(PolicyError) as caught:
        yamlcompose.compose("f.yaml", text)
    (problem,) = caught.value.problems
    assert problem.message == "values nested more than 64 levels deep"


def test_anchor_names_and_a_recursive_alias_at_its_place():
    root, names = yamlcompose.compose("f.yaml", "base: &b {x: 1}\nother: *b\n")
    assert list(names.values()) == ["b"] and root.value[1][1] is root.value[0][1]
    with pytest.raises(PolicyError) as caught:
        yamlcompose.compose("f.yaml", "a: &a\n  b: [1, *a]\n")
    assert str(caught.value) == ("f.yaml:2:10: recursive anchor '&a': the value contains itself; "
                                 "an alias (*a) cannot be used inside the anchor it refers to")
