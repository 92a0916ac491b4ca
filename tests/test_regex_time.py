"""Every regular expression in src/ runs in linear time, whatever the text (issue 12, items 1-2).

A rule stuck in catastrophic backtracking hangs `check`, `run`, `build` and `audit` (54 × 和 then `1`
took 59 s in TEXT-SHARE; `行政许可` + 28 digits + `-` took 50 s in the importer). Each pattern held by a
report_kit module, and each pattern written inline in a `re.*` call, is listed below with how the code
uses it and the inputs that defeat it; the test also screens ~150 inputs built from the pattern's own
characters and keeps the costliest. Time grows by a ratio of medians at n and 4 n characters, compared
with a bound between linear (4) and quadratic (16): no absolute time is asserted.

Rule-level and importer-level tests run the same kind of input through `run_checks` and `import_document`.
"""

from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
import re
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest

import report_kit
from report_kit.checks import run_checks

from ._lineartime import GROWTH_LIMIT, Hang, Shape, adversaries, growth, worst
from .conftest import DATA
from .fuzz_tally import count

SRC = Path(report_kit.__file__).parent
N = 800  # characters of the shorter input; the longer is 4 N
SCREEN_N = 300

S = Shape  # shapes: prefix + unit * k + suffix

# How the code applies each pattern ("finditer" also stands for search and sub: it tries every start), and
# the inputs that once made it (or a pattern like it) backtrack. Keyed by the module-level name that holds
# the pattern (a list or class holding several: every pattern in it), or "inline:<pattern>" for a literal
# written in a re.* call, or "dynamic:<function>" for a pattern built at run time.
KNOWN: dict[str, tuple[str, list[Shape]]] = {
    # checks
    "SHARE": ("finditer", [S("", "和", "1"), S("", "及", "1"), S("", "与", "1"), S("", "和和、", "1件"),
                           S("予以公开", "1", "件"), S("", "予以公开1件占", ""), S("予以公开1件占", "1", ""),
                           S("", "1", "件占")]),
    "_COUNT": ("finditer", [S("", "1", "x"), S("", "1件", "x"), S("", "1 件占", "")]),
    "_PERCENT": ("match", [S("", "1", "x"), S("1.", "1", "x")]),
    "PLACEHOLDERS": ("finditer", [S("", "（填写", ""), S("", "【 ", ""), S("", "[", ""), S("", "为 ", "x"),
                                  S("", "xＸ", "a"), S("", "＿", "")]),
    "SENTENCE": ("finditer", [S("", "x", ""), S("", "。", "")]),
    "NOTICE": ("finditer", [S("国办公开办函", " ", ""), S("", "国办公开办函〔2021〕", "")]),
    "PERIOD": ("finditer", [S("2024年1月1日", " ", "x"), S("", "2024年1月1日至", ""), S("", "截至2024年", "")]),
    "REPORT_OF": ("finditer", [S("", "现将", ""), S("", "现将2024年", ""), S("现将", "2024", ""),
                               S("", "现2024年", "x"), S("现", "2024 年", "报告"), S("特", "x", "2024年度")]),
    "FEE_WORDS": ("finditer", [S("", "处理", "")]),
    "APPS": ("finditer", [S("", "新收到", ""), S("新收到公开申请", "1", "x"), S("", "收到公开申请1", "")]),
    "REVIEW": ("finditer", [S("", "行政复议", ""), S("行政复议", "1", "x")]),
    "LAWSUIT": ("finditer", [S("", "行政诉讼", ""), S("行政诉讼", "1", "x")]),
    "ALL_DONE": ("finditer", [S("", "所有申请", ""), S("", "申请均已", "")]),
    # issue 15, session checks3: year and level of a report without a title (importers/_infer.py), sections
    # without their heading (importers/_facts.py), half sub-heading numbers, other-year statements
    "STATED_PERIOD": ("finditer", [S("2024年1月1日", " ", "x"), S("", "2024年1月1日至", ""), S("", "截至2024年", ""),
                                   S("截至", " ", "x")]),
    "PRESENTED": ("finditer", [S("", "现将", ""), S("现将", "2024年", ""), S("汇报", "x", "2024年"),
                               S("现将2024年", "x", "")]),
    "OPENS_WITH_YEAR": ("match", [S("", " ", "x"), S("(", "一", "2024")]),
    "OPENING_YEAR": ("match", [S("", "x", "2024年"), S("", " ", "")]),
    "YEARS": ("finditer", [S("", "2", ""), S("", "20", "")]),
    "COMPARE": ("finditer", [S("", "上", ""), S("", "较上", "")]),
    "TABLE2_STATED": ("finditer", [S("", "制定", ""), S("制定", "x", "规范性文件"), S("制定规范性文件", " ", "x")]),
    "_HEADING_ONE": ("match", [S("", " ", "x")]),
    "_LATER_HEADING": ("match", [S("", " ", "x")]),
    "_SELF_NAMED": ("finditer", [S("", "本年度", ""), S("", "政府信息公开工作", "")]),
    "_SUBHEADINGS": ("match", [S("", " ", "x"), S("(一)", " ", "x")]),
    "_OVERVIEW_ITEM": ("match", [S("", " ", "x"), S("(一)", " ", "x")]),
    "_TOWNSHIP_SELF": ("finditer", [S("", "我", ""), S("", "我镇", "")]),
    "_STREET_SELF": ("finditer", [S("", "我街道", "")]),
    "_DEPARTMENT_SELF": ("finditer", [S("", "我", "")]),
    "BROKEN_DOCNO": ("finditer", [S("〔", "2018", "号"), S("", "〔2018", ""), S("办", "2018〕", "号"),
                                  S("〔2018", " ", "号")]),
    "SECOND": ("finditer", [S("", "二", "")]),
    "BLOCK_START": ("finditer", [S("", " ", "x"), S("\n", "(", ""), S("", "一", "")]),
    "_HALF_NUMBER": ("finditer", [S("", " ", "x"), S("", "一", ")"), S("\n", " ", "一")]),
    "PARTS": ("finditer", [S("", "由", ""), S("由", "等", ""), S("由", "、", "六"), S("", "从", "")]),
    "CARRIED_IN": ("finditer", [S("", "上年结转", ""), S("上年结转", "1", "x")]),
    "CARRIED_OUT": ("finditer", [S("", "结转下年度", ""), S("结转下年度", "1", "x"), S("", "顺延", "")]),
    "HANDLED": ("finditer", [S("", "答复", ""), S("答复", "1", "x")]),
    "RECEIVED": ("finditer", [S("", "收到", ""), S("收到", "1", "x")]),
    "PERIOD_START": ("finditer", [S("2024年1月1日至", " ", "x"), S("", "2024年1月1日至", ""), S("2024", " ", "x")]),
    "STAT_SENTENCE": ("finditer", [S("", "统计", "")]),
    "_SHARE_AFTER": ("match", [S("", " ", "x"), S(" ，", " ", "x"), S("占", "1", "x")]),
    "UPHELD": ("finditer", [S("", "均", ""), S("", "均获", "")]),
    "_CALC": ("finditer", [S("", "1+", "x"), S("1", " ", "x"), S("", "1=", "x"), S("", "1", "="), S("1", "+1", "=x")]),
    "_CHUNK": ("finditer", [S("", "x", ""), S("", "，", "")]),
    "_ITEM": ("finditer", [S("", "1", "x"), S("1", " ", "x"), S("", "1余", "x")]),
    "_NUMBER_MARK": ("match", [S("", "一", "x"), S("一", " ", "x")]),
    "_SENTENCES": ("finditer", [S("", "x", ""), S("", "。", "")]),
    "_T2_STATEMENTS": ("finditer", [S("", "制定", ""), S("制定规章", "1", "x"), S("", "废止规章", ""),
                                    S("现行有效", "规章", "")]),
    "_TOP": ("match", [S("", "一", "x"), S("#", " ", "x")]),
    "_TOTAL": ("finditer", [S("", "1", "x"), S("1", " ", "x"), S("", "1条", "x"), S("1条", " ", "x")]),
    "dynamic:_outcome_pattern": ("finditer", []),  # built from the form's outcome names: screened via the rules
    "dynamic:title": ("finditer", []),  # a fullmatch on the title's head (at most 60 characters)
    "inline:[（(][^）)]{0,40}[）)]": ("finditer", [S("", "（", "")]),
    "inline:\\d{4}": ("finditer", [S("", "1", "")]),
    "inline:未(?:收到|受理)[^，。；]{0,10}申请": ("finditer", [S("", "未收到", "")]),
    "inline:未(?:发生|有|出现)[^，。；]{0,30}行政(?:复议|诉讼)": ("finditer", [S("", "未发生", "")]),
    "inline:纠错|纠正|败诉|撤销|确认违法": ("finditer", [S("", "纠", "")]),
    "inline:、|及|和|与": ("finditer", [S("", "和", "")]),
    "inline:\\s+": ("finditer", [S("", " ", "x")]),
    "dynamic:foreign_labels": ("finditer", []),  # re.escape(label) + a bounded tail: screened via the rules
    # importers
    "WORD_ARTEFACT": ("finditer", [S("", "[bookmark:", ""), S("", "[image:", "")]),
    "_PAGE_FOOTER": ("match", [S("", " ", "x"), S("-", " ", "x"), S("第", " ", "x")]),
    "_MD_RULE": ("match", [S("|---", " ", "x"), S("", "-", "x"), S("", "|---", "x"), S("", " ", "x")]),
    "_NUMBERING": ("finditer", [S("", "一", "x"), S("", "一、", "x"), S("", "(1", "x")]),
    "_NOISE": ("finditer", [S("", " ", "x")]),
    "_NUMBER": ("match", [S("", "1", "x"), S("1", ",111", "x"), S("", "1,", "x")]),
    "_NUMBER_REMARK": ("match", [S("1", " ", "x"), S("1（", "x", "（")]),
    "inline:^#+\\s*": ("finditer", [S("", "#", "")]),
    "_NUMBERED": ("match", [S("", " ", "x"), S("#", " ", "x")]),
    "TITLES": ("fullmatch", [S("", "x", ""), S("2024年", "局", ""), S("", "局2024年", ""), S("", "关于2024年", "x"),
                             S("局", "2024年", "报告"), S("", "二〇一九年", ""), S("2024年报", "_", "x"),
                             S("", "政府信息公开", "x"), S("x", "信息公开工作", "")]),
    "_FLIPBOOK_PAGE": ("finditer", [S("Page", "1", "x")]),
    "_DATE_LINE": ("match", [S("2024年", "1", "x"), S("(", "2024年1月", ""), S("2024年1月1日", ")", "x")]),
    "inline:[，,。；;：:]": ("finditer", [S("", "局", "")]),
    "_DATE": ("finditer", [S("", "公开日期", ""), S("", "2024年1", "")]),
    "_NEW_ITEM": ("match", [S("", "一", "x"), S("（", "1", "x")]),
    "inline:<(?:html|body|table)\\b": ("finditer", [S("", "<", "")]),
    "_BIG5_CHARSET": ("bytes-finditer", [S("charset", " ", "x"), S("", "charset=", ""), S("charset= ", "\"", "x")]),
    "inline:^(?:19|20)\\d{2}[-_ ]*": ("finditer", [S("2024", "-", "x")]),
    "inline:[^a-z0-9]+": ("finditer", [S("", "-", "a")]),
    # narrative: facts the analyst's text already states
    "FEE_NONE": ("finditer", [S("", "未收取", ""), S("未收取", "x", "费"), S("信息处理费", "x", "0元"),
                              S("", "未发生", "")]),
    "FEE_WORD": ("finditer", [S("", "收", "")]),
    "NO_APPS": ("finditer", [S("", "未收到", ""), S("", "没有", "")]),
    "NO_CASES": ("finditer", [S("", "未发生", ""), S("未发生", "行政复议", ""), S("未有", "x", "行政诉讼")]),
    "YUAN": ("finditer", [S("", "1", "x"), S("", "1.", "x"), S("x", "1 ", "x")]),
    "SENTENCE_END": ("finditer", [S("", "x", ""), S("", "。", "")]),
    # checks/_lint: the prose linter
    "LINT_SENTENCE": ("finditer", [S("", "x", ""), S("", "。", "")]),
    "LABEL_SLASH": ("finditer", [S("", "增/", ""), S("增", " ", "x"), S("", "增 / ", "")]),
    "BARE_FIGURE": ("fullmatch", [S("现行有效", "1", "x"), S("现行有效", " ", "1"), S("", "结转1", "")]),
    "FIGURE": ("finditer", [S("", "1", "x"), S("1", " ", "x")]),
    "CLAUSE_END": ("finditer", [S("", "，", ""), S("", "x", "")]),
    "LONG_PERCENT": ("finditer", [S("", "1", "x"), S("1.", "1", "x"), S("", "1.11", "")]),
    "LONG_NUMBER": ("finditer", [S("", "1", "x"), S("1.", "1", "."), S("", "1.111", "")]),
    # elsewhere
    "SLUG_RE": ("match", [S("a", "-a", "-"), S("", "a", "-")]),
    "UNIT_AFTER_BLANK": ("finditer", []),
    "Core12Loader": ("match", [S("", "1", "x"), S("1.", "1", "x"), S("", "2024-1-1 ", "x")]),
    "_TEMP": ("fullmatch", [S(".", ".", "x"), S(".", "a", ".tmp")]),
    "_COORD": ("match", [S("A", "1", "x")]),
    "inline:[A-Z]{1,3}\\d{1,7}:[A-Z]{1,3}\\d{1,7}": ("fullmatch", [S("A1:A", "1", "x")]),
    "_NUMBER_TEXT": ("match", [S("", "1", "x")]),
    "_BAD_CHARS": ("finditer", [S("", "x", "")]),
    "CONTROL": ("finditer", [S("", "\x07", ""), S("", "x", "")]),
    # params: the YAML parser's problems mapped to our messages (searched in the parser's own message text)
    "YAML_PROBLEMS": ("finditer", [S("", "expected ", ""), S("", "found ", "x"), S("while scanning a ", "x", ""),
                                   S("", "'\\t'", ""), S("", "duplicate key", "")]),
    "_UNSAFE": ("finditer", [S("", "\x1b", ""), S("", "x", "")]),
    "_PLAIN_NUMBER": ("fullmatch", [S("", "1", "x"), S("1.", "1", ".")]),
    "UNSAFE": ("finditer", [S("", "/", ""), S("", "x", "")]),
    "_MONTH_DAY": ("match", [S("", "1", "x"), S("01-", "1", "x")]),
    # params discovery, output folders
    "YEAR_FOLDER": ("fullmatch", [S("", "1", "x"), S("", "²", "")]),
    "_SIDE": ("fullmatch", [S(".", "a-", ".stage-"), S(".a.", "stage-", ""), S(".a.stage-", "a", "x")]),
    # region charts
    "_HEADER": ("finditer", [S("<?xml", " ", ""), S("", "<?xml?>", ""), S("<?xml?><!DOCTYPE", " ", "")]),
    "_SIZE": ("finditer", [S("", 'width="1', ""), S('width="', "1", "pt"), S('width="1pt" height="', "1", "")]),
}

OPS: dict[str, Callable[[re.Pattern[str]], Callable[[str], object]]] = {
    "finditer": lambda p: lambda s: list(p.finditer(s)),
    "match": lambda p: p.match,
    "fullmatch": lambda p: p.fullmatch,
    "bytes-finditer": lambda p: lambda s: list(p.finditer(s.encode("utf-8", "surrogatepass"))),
}


# ---------------------------------------------------------------------------------------- discovery


def _modules() -> list[str]:
    return [m.name for m in pkgutil.walk_packages(report_kit.__path__, "report_kit.")
            if not m.name.endswith("__main__")]


def _pattern_like(value: object) -> bool:
    """A compiled pattern, or report_kit's own stand-in for one (an object with finditer and pattern)."""
    return isinstance(value, re.Pattern) or (
        type(value).__module__.startswith("report_kit.") and hasattr(value, "finditer") and hasattr(value, "pattern"))


def _patterns_in(value: object, depth: int = 0) -> Iterator[re.Pattern[str]]:
    if _pattern_like(value):
        yield value  # type: ignore[misc]
    elif depth < 4 and isinstance(value, (list, tuple, set, frozenset)):
        for v in value:
            yield from _patterns_in(v, depth + 1)
    elif depth < 4 and isinstance(value, dict):
        for v in value.values():
            yield from _patterns_in(v, depth + 1)


def held_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Compiled patterns held by report_kit's modules (and by their classes), by the name holding them."""
    found: dict[str, list[re.Pattern[str]]] = {}
    for name in _modules():
        module = importlib.import_module(name)
        for attr, value in vars(module).items():
            if isinstance(value, type):
                pats = [p for v in vars(value).values() for p in _patterns_in(v)] if value.__module__ == name else []
            else:
                pats = list(_patterns_in(value))
            for p in pats:
                if p.pattern not in {q.pattern for q in found.get(attr, [])}:
                    found.setdefault(attr, []).append(p)
    return found


RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "subn", "split", "findall", "finditer"}


def inline_patterns() -> dict[str, list[re.Pattern[str]]]:
    """Patterns written in re.* calls: literal ones by their text; built ones by the function building them."""
    found: dict[str, list[re.Pattern[str]]] = {}
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for fn in [n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))] + [tree]:
            for node in ast.walk(fn):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                        and node.func.attr in RE_CALLS and node.args):
                    continue
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    found.setdefault(f"inline:{arg.value}", [re.compile(arg.value)])
                elif isinstance(arg, (ast.BinOp, ast.JoinedStr, ast.Call)) and fn is not tree:
                    found.setdefault(f"dynamic:{fn.name}", [])
    return found


@functools.cache
def _all_patterns() -> dict[str, list[re.Pattern[str]]]:
    held = held_patterns()
    texts = {p.pattern for pats in held.values() for p in pats}
    inline = {k: v for k, v in inline_patterns().items() if not (v and v[0].pattern in texts)}
    return {**held, **inline}


def test_every_pattern_in_src_is_listed() -> None:
    """A new regex must come with its adversaries (and so with a linear-time test)."""
    found = _all_patterns()
    assert sorted(set(found) - set(KNOWN)) == [], "patterns without an entry in KNOWN"
    assert sorted(set(KNOWN) - set(found)) == [], "entries in KNOWN for patterns no longer in src/"


def _cases() -> list[tuple[str, int]]:
    return [(name, i) for name, pats in sorted(_all_patterns().items()) for i in range(len(pats))]


@pytest.mark.parametrize("name,index", _cases(), ids=[f"{n}[{i}]" for n, i in _cases()])
def test_pattern_time_is_linear(name: str, index: int) -> None:
    pattern = _all_patterns()[name][index]
    op, hand = KNOWN.get(name, ("finditer", []))
    func = OPS[op](pattern)
    try:
        shapes = [*hand, *worst(func, adversaries(pattern), SCREEN_N, keep=2)]
        slow = []
        for shape in shapes:
            ratio = growth(func, shape, N)
            if ratio > GROWTH_LIMIT:
                slow.append(f"{shape}: ×{ratio:.1f} for 4× the length")
    except Hang as exc:
        count("regex time", "hang")
        pytest.fail(f"{name}: {pattern.pattern!r} {exc}")
    count("regex time", "hang" if slow else "valid")
    assert not slow, f"{name} {pattern.pattern!r} ({op}) grows faster than linear:\n" + "\n".join(slow)


# ------------------------------------------------------------------------------------- whole rules


TEXT_RULE_PATTERNS = {"SHARE", "PLACEHOLDERS", "SENTENCE", "NOTICE", "PERIOD", "REPORT_OF", "APPS", "REVIEW",
                      "LAWSUIT", "ALL_DONE", "PARTS"}
TEXT_SHAPES = [
    *sorted({s for name, (_, shapes) in KNOWN.items() for s in shapes
             if name in TEXT_RULE_PATTERNS or name.startswith("inline:未")}, key=str),
    S("行政许可", "1", "-"), S("规范性文件", "1", "x"), S("", "规范性文件1", ""),
]


@pytest.mark.parametrize("shape", TEXT_SHAPES, ids=str)
def test_rules_time_is_linear(seed_ay, shape: Shape) -> None:
    """Every rule at once over texts 一, 五 and 六 made of the adversarial input (what `check` runs)."""
    def run(text: str) -> object:
        return run_checks(replace(seed_ay, text=dict.fromkeys(("总体情况", "问题及改进", "其他事项"), text)))

    try:
        ratio = growth(run, shape, N)
    except Hang:
        count("regex time", "hang")
        raise
    count("regex time", "hang" if ratio > GROWTH_LIMIT else "valid")
    assert ratio <= GROWTH_LIMIT, f"run_checks over {shape}: ×{ratio:.1f} for 4× the length"


IMPORT_LINES = [S("行政许可", "1", "-"), S("行政许可 ", "1 ", "x"), S("|---", " ", "x"), S("", "[bookmark:", ""),
                S("", "1 ", "x"), S("", "|", ""), S("", "一、", "x"), S("", "和", "1件占")]


@pytest.mark.parametrize("shape", IMPORT_LINES, ids=str)
def test_import_time_is_linear(tmp_path: Path, shape: Shape) -> None:
    """A real report (the seed) with one adversarial line in table 二, as `import` and `audit` read it."""
    from report_kit.importers import import_document

    seed = (DATA / "hostile" / "seed-2019.txt").read_text("utf-8")
    at = seed.index("\n", seed.index("二、主动公开政府信息情况")) + 1  # the first line of section 二

    def make(n: int) -> str:
        path = tmp_path / f"r{n}.txt"
        path.write_text(seed[:at] + shape(n) + "\n" + seed[at:], "utf-8")
        return str(path)

    try:
        ratio = growth(lambda p: import_document(p), make, N)
    except Hang:
        count("regex time", "hang")
        raise
    count("regex time", "hang" if ratio > GROWTH_LIMIT else "valid")
    assert ratio <= GROWTH_LIMIT, f"import with a line {shape}: ×{ratio:.1f} for 4× the length"
