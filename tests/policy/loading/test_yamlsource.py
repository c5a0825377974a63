"""Reading a rules file: size cap, encodings, tabs, YAML syntax errors, unsafe tags, alias bombs."""
from __future__ import annotations

import os
import time
import tracemalloc
from pathlib import Path

import pytest

from policy.loading.problems import PolicyError
from policy.loading.yamlsource import MAX_BYTES, load_yaml


def errors(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as caught:
        load_yaml(path)
    return [str(p) for p in caught.value.problems]


def write(tmp_path: Path, data: str | bytes, name: str = "main.yaml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def test_a_plain_file_reads_with_line_marks(tmp_path):
    doc = load_yaml(write(tmp_path, "version: 1\nrules:\n  - name: a\n    action: allow\n"))
    assert doc.data == {"version": 1, "rules": [{"name": "a", "action": "allow"}]}
    assert (doc.at(("rules", 0, "action")).line, doc.at(("rules", 0, "action")).col) == (4, 13)
    assert doc.key_at(("rules",)).line == 2


def test_syntax_error_names_line_column_and_a_hint(tmp_path):
    path = write(tmp_path, "rules:\n  - name: a\n    message: Note: this breaks\n")
    assert errors(path) == [f"{path}:3:18: YAML syntax error: mapping values are not allowed here; "
                            "quote a value that contains ': ', or check this line's indentation"]


def test_unclosed_bracket(tmp_path):
    path = write(tmp_path, "sites:\n  facebook: {category: social\n")
    assert errors(path)[0].startswith(f"{path}:3:1: YAML syntax error: expected ',' or '}}'")


def test_every_line_indented_with_a_tab_is_named(tmp_path):
    path = write(tmp_path, "groups:\n\tstaff: {members: [a]}\n  x: 1\n\tother: {}\n")
    assert errors(path) == [
        f"{path}:2:1: tab in indentation; YAML indents with spaces only; replace the tab with spaces",
        f"{path}:4:1: tab in indentation; YAML indents with spaces only; replace the tab with spaces"]


def test_a_tab_between_items_is_plain_whitespace(tmp_path):
    assert load_yaml(write(tmp_path, "version:\t1\nrules: [a,\tb]\n")).data == {"version": 1, "rules": ["a", "b"]}


def test_huge_file_is_refused_before_parsing(tmp_path):
    path = write(tmp_path, "# padding\n" * (MAX_BYTES // 10 + 1))
    assert errors(path) == [f"{path}: is too large (over 1024 KiB); "
                            "split the policy into several files in the rules folder"]


def test_non_utf8_names_the_byte_and_its_line(tmp_path):
    path = write(tmp_path, b"version: 1\nsites:\n  caf\xe9: {category: x}\n")
    assert errors(path) == [f"{path}:3:6: not valid UTF-8 (byte 0xE9 at offset 23); save the file as UTF-8"]


def test_utf16_is_recognised(tmp_path):
    path = write(tmp_path, "version: 1\n".encode("utf-16"))
    assert errors(path) == [f"{path}:1:1: file is UTF-16 text, not UTF-8; save it as UTF-8"]


def test_a_utf8_byte_order_mark_is_fine(tmp_path):
    assert load_yaml(write(tmp_path, "\ufeffversion: 1\n")).data == {"version": 1}


def test_control_characters_are_refused(tmp_path):
    path = write(tmp_path, "version: 1\nx: a\x07b\n")
    assert errors(path)[0].startswith(f"{path}:2:5: character U+0007 is not allowed in YAML")


def test_missing_file_folder_and_fifo(tmp_path):
    assert errors(tmp_path / "nope.yaml") == [f"{tmp_path / 'nope.yaml'}: no such file; check the path"]
    folder = tmp_path / "x.yaml"
    folder.mkdir()
    assert errors(folder)[0].startswith(f"{folder}: is a folder, not a rules file")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    assert errors(fifo)[0].startswith(f"{fifo}: is not a regular file")   # and did not block on open


def test_python_tags_are_refused_and_never_run(tmp_path):
    marker = tmp_path / "executed"
    path = write(tmp_path, f"version: 1\nx: !!python/object/apply:os.system ['touch {marker}']\n"
                           f"y: !!python/name:os.system\n")
    assert errors(path) == [
        f"{path}:2:4: tag '!!python/object/apply:os.system' is not allowed in a rules file; "
        "remove the tag; rules hold plain text, numbers, lists and mappings",
        f"{path}:3:4: tag '!!python/name:os.system' is not allowed in a rules file; "
        "remove the tag; rules hold plain text, numbers, lists and mappings"]
    assert not marker.exists()


def test_billion_laughs_is_refused_fast_with_bounded_memory(tmp_path):
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        prev, name = chr(ord("a") + level - 1), chr(ord("a") + level)
        lines.append(f"{name}: &{name} [{', '.join(['*' + prev] * 10)}]")
    path = write(tmp_path, "\n".join(lines) + "\n")
    tracemalloc.start()
    started = time.monotonic()
    try:
        found = errors(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5   # a generous bound: expanding it all would take hours
    assert peak < 50 * 1024 * 1024
    assert found[0].startswith(f"{path}:") and "aliases expand to more than 50000 values" in found[0]


def test_recursive_anchor_is_refused(tmp_path):
    path = write(tmp_path, "groups: &g\n  staff: {include: *g}\n")
    assert errors(path) == [f"{path}:2:20: recursive anchor '&g': the value contains itself; "
                            "an alias (*g) cannot be used inside the anchor it refers to"]


def test_deep_nesting_is_refused(tmp_path):
    path = write(tmp_path, "x: " + "[" * 5000 + "]" * 5000 + "\n")
    assert "nested" in errors(path)[0]


def test_undefined_alias(tmp_path):
    path = write(tmp_path, "x: *nothing\n")
    assert errors(path) == [f"{path}:1:4: YAML syntax error: found undefined alias 'nothing'; "
                            "define the anchor (&name) before using it (*name)"]


def test_a_second_document_is_refused(tmp_path):
    path = write(tmp_path, "version: 1\n---\ntimezone: UTC\n")
    assert errors(path) == [f"{path}:2:1: a second YAML document starts here; "
                            "keep one document per file: remove the '---', or use another file"]


def test_an_empty_file_has_no_data(tmp_path):
    assert load_yaml(write(tmp_path, "# nothing yet\n")).data is None
