"""TEXT-SHARE's statement parser gives exactly what the backtracking regex it replaced gave, in linear time."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from report_kit.checks._shares import SharePattern

# the pattern as it was until issue 12 (exponential on "和和…和1"): the reference for short texts
OLD = re.compile(r"((?:[\u4e00-\u9fff]{2,6}?(?:、|及|和|与))*[\u4e00-\u9fff]{2,6}?)\s*(\d+)\s*件[，,（(]?\s*"
                 r"占[^，。；%％]{0,12}?(\d+(?:\.\d+)?)\s*[%％]")
NEW = SharePattern()
PIECES = ["予以公开", "部分公开", "和", "及", "与", "、", "件", "占", "比", "1", "2", "12", ".", "5", "%", "％", " ",
          "，", "。", "（", "不予", "申请", "x", "本年度"]


def _both(text: str) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    old = [(m.group(0), m.group(1), m.group(2), m.group(3)) for m in OLD.finditer(text)]
    new = [(m.group(0), m.group(1), m.group(2), m.group(3)) for m in NEW.finditer(text)]
    return old, new


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=14).map("".join))
def test_same_matches_as_the_old_regex(text: str) -> None:
    old, new = _both(text)
    assert new == old


def test_known_statements() -> None:
    text = ("本年度予以公开12件，占40%；不予公开和部分公开3件占10.5％，我局和各部门予以公开5件，占比为20%。"
            "其他处理1件占1%")
    old, new = _both(text)
    assert new == old and len(new) == 4
    assert new[1][1:] == ("不予公开和部分公开", "3", "10.5")
