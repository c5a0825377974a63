from __future__ import annotations

import yaml
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.scanner import Scanner

from policy.loading.yamlresolve import CoreResolver


class CoreLoader(Reader, Scanner, Parser, Composer, SafeConstructor, CoreResolver):
    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        CoreResolver.__init__(self)


def read(text: str) -> object:
    return yaml.load(text, Loader=CoreLoader)     # SafeConstructor: plain values only


def test_times_dates_and_words_stay_text():
    assert read("[17:30, 2026-12-24, no, yes, on, off, 1_000]") == ["17:30", "2026-12-24", "no", "yes", "on", "off",
                                                                    "1_000"]


def test_the_core_schema_still_reads_booleans_null_and_numbers():
    assert read("[true, False, null, ~, 12, -3, 0o17, 0x1f, 1.5, .inf]") == [True, False, None, None, 12, -3, 15,
                                                                          31, 1.5, float("inf")]
