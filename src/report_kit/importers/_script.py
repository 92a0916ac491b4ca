"""Traditional characters compared as simplified ones (規範性檔案 is 规范性文件), for matching only.

Mirror sites and wiki copies convert reports to traditional characters, sometimes with Taiwan vocabulary
(文件 → 檔案). Labels, headings and titles are compared after OpenCC's ``t2s`` conversion; the imported text
keeps the characters as published. OpenCC's Taiwan-phrase conversion (``tw2sp``) is not used: run over
ordinary text it rewrites words that are right as they stand (文件 → 文档, 程序 → 进程), so only the few
Taiwan words the official labels meet are mapped, and only in text that was traditional to begin with.
"""

from __future__ import annotations

from functools import cache, lru_cache

# Taiwan vocabulary in the official labels' words (after t2s): 規範性檔案 → 规范性档案 → 规范性文件
_TAIWAN_WORDS = {"档案": "文件", "资讯": "信息"}


@cache
def _converter():  # type: ignore[no-untyped-def]
    import opencc  # opencc-python-reimplemented: loads its dictionaries once, in ~40 ms

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=65536)
def simplified(text: str) -> str:
    """``text`` in simplified characters; unchanged when it has no traditional character."""
    if text.isascii():
        return text
    out = _converter().convert(text)
    if out == text:
        return text
    for tw, cn in _TAIWAN_WORDS.items():
        out = out.replace(tw, cn)
    return out


def is_traditional(texts: list[str]) -> bool:
    """True when the document's text is mostly traditional (a converted copy): at least 20 characters change."""
    changed = 0
    for t in texts:
        s = simplified(t)
        if s != t:
            changed += sum(1 for a, b in zip(t, s, strict=False) if a != b)
            if changed >= 20:
                return True
    return False
