"""YAML events → a node tree, without recursion, with depth and self-reference checked as it goes.

libyaml parses (about ten times faster than PyYAML's Python parser); when it finds a syntax error the
text is parsed again by PyYAML, whose messages are clearer and which the loader's hints are written
for. Composing here rather than in libyaml bounds the nesting depth before anything recurses (libyaml's
own composer crashes the process on `[[[[...` a few hundred thousand levels deep).
"""
from __future__ import annotations

from typing import Any

import yaml
from yaml.events import AliasEvent, DocumentEndEvent, MappingStartEvent, ScalarEvent, SequenceStartEvent, StreamEndEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from policy.loading.problems import PolicyError, Problem
from policy.loading.yamlresolve import CoreResolver

MAX_DEPTH = 64
_CParser = getattr(getattr(yaml, "_yaml", None), "CParser", None)


class _PythonEvents(Reader, Scanner, Parser, CoreResolver):
    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        CoreResolver.__init__(self)


if _CParser is not None:
    # PyYAML's stubs give the C parser, imported only where libyaml is built, no class type.
    class _LibyamlEvents(_CParser, CoreResolver):  # type: ignore[misc,valid-type]
        def __init__(self, text: str) -> None:
            _CParser.__init__(self, text)  # type: ignore[misc]
            CoreResolver.__init__(self)


def compose(name: str, text: str) -> tuple[Node | None, dict[int, str]]:
    """The document's root node (None for an empty file) and each anchored node's anchor name."""
    if _CParser is not None:
        try:
            return _Composer(name, _LibyamlEvents(text)).document()
        except yaml.YAMLError:
            pass   # parse again below, for PyYAML's wording of the error
    return _Composer(name, _PythonEvents(text)).document()


class _Composer:
    def __init__(self, name: str, events: Any) -> None:
        self.name, self.events = name, events
        self.anchors: dict[str, Node] = {}
        self.anchor_names: dict[int, str] = {}

    def fail(self, mark: Any, message: str, fix: str) -> PolicyError:
        return PolicyError([Problem(self.name, mark.line + 1, mark.column + 1, message, fix)])

    def document(self) -> tuple[Node | None, dict[int, str]]:
        events = self.events
        events.get_event()                          # stream start
        if events.check_event(StreamEndEvent):
            return None, {}
        events.get_event()                          # document start
        root = self.tree()
        events.get_event()                          # document end
        if not events.check_event(StreamEndEvent):
            raise self.fail(events.peek_event().start_mark, "a second YAML document starts here",
                            "keep one document per file: remove the '---', or use another file")
        return root, self.anchor_names

    def tree(self) -> Node:
        root: Node | None = None
        open_nodes: list[Node] = []      # collections being filled
        pending_keys: list[Any] = []     # and their keys so far
        while not self.events.check_event(DocumentEndEvent):
            event = self.events.get_event()
            if not isinstance(event, (AliasEvent, ScalarEvent, SequenceStartEvent, MappingStartEvent)):
                node = open_nodes.pop()                 # the end of a sequence or mapping
                node.end_mark = event.end_mark
                pending_keys.pop()
                continue
            node = self.node(event, open_nodes)
            if open_nodes:
                parent = open_nodes[-1]
                if isinstance(parent, SequenceNode):
                    parent.value.append(node)
                elif pending_keys[-1] is None:
                    pending_keys[-1] = node
                else:
                    parent.value.append((pending_keys[-1], node))
                    pending_keys[-1] = None
            else:
                root = node
            if isinstance(event, (SequenceStartEvent, MappingStartEvent)):
                open_nodes.append(node)
                pending_keys.append(None)
                if len(open_nodes) > MAX_DEPTH:
                    raise self.fail(event.start_mark, f"values nested more than {MAX_DEPTH} levels deep",
                                    "flatten the structure")
        if root is None:        # never: a document holds a node, an empty one an empty scalar
            raise ValueError("a YAML document without a value")
        return root

    def node(self, event: Any, open_nodes: list[Node]) -> Node:
        if isinstance(event, AliasEvent):
            node = self.anchors.get(event.anchor) if event.anchor is not None else None
            if node is None:
                raise yaml.composer.ComposerError(None, None, f"found undefined alias {event.anchor!r}",
                                                  event.start_mark)  # type: ignore[arg-type]  # libyaml's Mark too
            if any(node is open_node for open_node in open_nodes):
                raise self.fail(event.start_mark, f"recursive anchor '&{event.anchor}': the value contains itself",
                                f"an alias (*{event.anchor}) cannot be used inside the anchor it refers to")
            return node
        kind = {ScalarEvent: ScalarNode, SequenceStartEvent: SequenceNode, MappingStartEvent: MappingNode}[type(event)]
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.events.resolve(kind, event.value if kind is ScalarNode else None, event.implicit)
        value = event.value if kind is ScalarNode else []
        made: Node = kind(tag, value, event.start_mark, event.end_mark)
        if event.anchor is not None:
            self.anchors[event.anchor] = made
            self.anchor_names[id(made)] = event.anchor
        return made
