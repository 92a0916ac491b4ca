"""report.html in real headless Chromium, checked the way a person would look at it.

For the seed (2019 format) and a 2021-format agency: every table cell visible and its text not
clipped (on screen and printed), merged cells spanning exactly the rows and columns of the
official layout (bounding boxes compared with ``render.grid.table_grid``), the printed page no
wider than A4's text block, Chinese glyphs drawn from a font that has them (no tofu), no console
errors and no network request. One full-page PNG per report is kept under
``outputs/test-artifacts/browser/`` (or ``$RK_TEST_ARTIFACTS/browser/``) for review.

Driven with Playwright's Python API on the system Chromium (``/usr/bin/chromium``, installed by
``make system-deps``); no browser is downloaded.
"""

from __future__ import annotations

import re
import subprocess
from functools import cache
from typing import Any

import pytest

from report_kit.export import place
from report_kit.render.grid import table_grid

from ._reports import REPORTS, agency_year, artifact, built

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the test extra (playwright)")

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u201c\u201d]")
CJK_IDEOGRAPH = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
MM = 96 / 25.4  # CSS px per millimetre
TOLERANCE = 1.5  # px: collapsed borders are shared between neighbouring cells


class Visit:
    """One page load with everything the page did: console messages, errors, requests."""

    def __init__(self, browser: Any, url: str, width: int = 1280, media: str = "screen") -> None:
        self.context = browser.new_context(offline=True, service_workers="block", java_script_enabled=True,
                                           viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.emulate_media(media=media)
        self.page.goto(url, wait_until="load")
        self.page.evaluate("document.fonts.ready.then(() => true)")

    def fit_height(self) -> None:
        """Make the viewport as tall as the document, so every cell can be hit-tested in place."""
        width = self.page.viewport_size["width"]
        height = self.page.evaluate("document.documentElement.scrollHeight")
        self.page.set_viewport_size({"width": width, "height": int(height) + 10})

    def close(self) -> None:
        self.context.close()


@pytest.fixture(params=sorted(REPORTS))
def report(request: pytest.FixtureRequest) -> str:
    return request.param


def _url(key: str) -> str:
    return (built(key) / "report.html").as_uri()


# ------------------------------------------------------------------------------------------ helpers

CELLS_JS = """
() => [...document.querySelectorAll('table.official th, table.official td')].map(el => {
  const r = el.getBoundingClientRect(), cs = getComputedStyle(el);
  const range = document.createRange(); range.selectNodeContents(el);
  const t = range.getBoundingClientRect();
  const hit = t.width > 0 ? document.elementFromPoint(t.left + t.width / 2, t.top + t.height / 2) : el;
  const page = el.closest('main') || document.documentElement;
  const limit = Math.min(page.getBoundingClientRect().right, document.documentElement.clientWidth);
  return {table: el.closest('table').dataset.table, text: el.textContent.trim(), limit,
          visible: cs.visibility === 'visible' && cs.display !== 'none' && parseFloat(cs.opacity) > 0,
          rect: [r.left, r.top, r.right, r.bottom], textRect: [t.left, t.top, t.right, t.bottom],
          overflowX: el.scrollWidth - el.clientWidth, overflowY: el.scrollHeight - el.clientHeight,
          hitSelf: hit !== null && (hit === el || el.contains(hit))};
})
"""

TABLES_JS = """
() => Object.fromEntries([...document.querySelectorAll('table.official')].map(t => [t.dataset.table,
  [...t.rows].map(tr => ({rect: [tr.getBoundingClientRect().top, tr.getBoundingClientRect().bottom],
    cells: [...tr.cells].map(c => { const r = c.getBoundingClientRect();
      return {text: c.textContent.trim(), rs: c.rowSpan, cs: c.colSpan, rect: [r.left, r.top, r.right, r.bottom]}; })
  }))]))
"""

PAGE_RULE_JS = """
() => { for (const sheet of document.styleSheets) for (const rule of sheet.cssRules)
          if (rule instanceof CSSPageRule) return {size: rule.style.getPropertyValue('size'),
            left: rule.style.getPropertyValue('margin-left'), right: rule.style.getPropertyValue('margin-right')};
        return null; }
"""


def _unclipped_problems(cells: list[dict[str, Any]]) -> list[str]:
    """Cells that are hidden, overflow, spill their text, are covered, or stick out of the page."""
    problems = []
    for c in cells:
        where = f"表{c['table']} {c['text'][:20]!r}"
        left, top, right, bottom = c["rect"]
        if not c["visible"] or right - left < 1 or bottom - top < 1:
            problems.append(f"{where}: not visible")
            continue
        if c["overflowX"] > 1 or c["overflowY"] > 1:
            problems.append(f"{where}: content overflows the cell by {c['overflowX']}×{c['overflowY']} px")
        if right > c["limit"] + TOLERANCE or left < -TOLERANCE:
            problems.append(f"{where}: cell at x {left:.0f}–{right:.0f} sticks out of the page (right edge "
                            f"{c['limit']:.0f})")
        if c["text"]:
            tl, tt, tr, tb = c["textRect"]
            if tl < left - TOLERANCE or tr > right + TOLERANCE or tt < top - TOLERANCE or tb > bottom + TOLERANCE:
                problems.append(f"{where}: text box {c['textRect']} spills out of the cell {c['rect']}")
            if not c["hitSelf"]:
                problems.append(f"{where}: text is covered by another element")
    return problems


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= TOLERANCE


def _span_problems(key: str, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Compare the browser's cell boxes with the official layout of each table."""
    ay = agency_year(key)
    problems: list[str] = []
    for tid in ("二", "三", "四"):
        layout = place(table_grid(ay.fmt, tid, ay))
        rows = tables[tid]
        assert len(rows) == layout.n_rows, f"表{tid}: {len(rows)} rows in the page, {layout.n_rows} in the form"
        lefts: dict[int, list[float]] = {}
        rights: dict[int, list[float]] = {}
        boxes = []
        for p in layout.placed:
            got = rows[p.html_row]["cells"][p.html_index]
            if got["text"] != p.cell.text or (got["rs"], got["cs"]) != (p.cell.rowspan, p.cell.colspan):
                problems.append(f"表{tid} row {p.row} col {p.col}: page has {got['text']!r} {got['rs']}×{got['cs']}, "
                                f"form has {p.cell.text!r} {p.cell.rowspan}×{p.cell.colspan}")
            if p.cell.colspan == 1:
                lefts.setdefault(p.col, []).append(got["rect"][0])
                rights.setdefault(p.col, []).append(got["rect"][2])
            boxes.append((p, got["rect"]))
        assert sorted(lefts) == list(range(layout.n_cols)), f"表{tid}: a column has no single-column cell"
        for c in range(layout.n_cols):  # the columns themselves are straight
            if max(lefts[c]) - min(lefts[c]) > TOLERANCE or max(rights[c]) - min(rights[c]) > TOLERANCE:
                problems.append(f"表{tid}: column {c} is not straight ({lefts[c]} … {rights[c]})")
        for p, (left, top, right, bottom) in boxes:
            want = (min(lefts[p.col]), rows[p.row]["rect"][0], max(rights[p.last_col]), rows[p.last_row]["rect"][1])
            if not all(_close(a, b) for a, b in zip((left, top, right, bottom), want, strict=True)):
                problems.append(f"表{tid} {p.cell.text[:16]!r} ({p.cell.rowspan}×{p.cell.colspan}): box "
                                f"{[round(v) for v in (left, top, right, bottom)]} ≠ rows {p.row}–{p.last_row}, "
                                f"columns {p.col}–{p.last_col} {[round(v) for v in want]}")
    return problems


def _fc_escape(family: str) -> str:
    return re.sub(r"([\\:,=\-])", r"\\\1", family)


@cache
def uncovered(family: str, chars: frozenset[str]) -> frozenset[str]:
    """The characters of ``chars`` that the installed font ``family`` has no glyph for (fontconfig)."""
    def covers(subset: list[str]) -> bool:
        charset = " ".join(f"{ord(ch):x}" for ch in subset)
        out = subprocess.run(["fc-list", f"{_fc_escape(family)}:charset={charset}", "family"],
                             capture_output=True, text=True, check=True).stdout
        return bool(out.strip())

    todo = sorted(chars)
    if covers(todo):
        return frozenset()
    return frozenset(ch for ch in todo if not covers([ch]))


def tofu(page: Any, selector: str = "h1, h2, p, th, td") -> list[str]:
    """Elements whose Chinese text was drawn with fonts that lack some of its characters."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node_ids = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": selector})["nodeIds"]
    texts = page.eval_on_selector_all(selector, "els => els.map(e => [...e.childNodes]"
                                                ".filter(n => n.nodeType === 3).map(n => n.data).join(''))")
    assert len(texts) == len(node_ids)
    problems = []
    for node_id, text in zip(node_ids, texts, strict=True):
        chars = frozenset(ch for ch in text if CJK.match(ch) or ord(ch) > 0xFFFF)
        if not chars:
            continue
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node_id})["fonts"]
        families = [f["familyName"] for f in fonts if f.get("glyphCount", 0) > 0]
        missing = chars
        for fam in families:
            missing = missing & uncovered(fam, chars)
        if not families or missing:
            problems.append(f"{text[:24]!r}: drawn with {families or 'no font'}, no glyph for "
                            f"{' '.join(sorted(missing))}")
    cdp.detach()
    return problems


# -------------------------------------------------------------------------------------------- tests


def test_loads_offline_without_console_errors_and_keeps_a_screenshot(browser: Any, report: str) -> None:
    url = _url(report)
    visit = Visit(browser, url)
    try:
        assert visit.requests == [url], "the report must not fetch anything"
        assert visit.errors == []
        assert [m for m in visit.console if m.startswith(("error", "warning"))] == []
        assert visit.page.eval_on_selector_all("script, link[rel=stylesheet], iframe, img", "els => els.length") == 0
        ay = agency_year(report)
        assert visit.page.title() == ay.title
        shot = artifact(f"browser/{ay.year}-{ay.slug}.png")
        visit.page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 50_000
    finally:
        visit.close()


@pytest.mark.parametrize("media", ["screen", "print"])
def test_every_table_cell_is_visible_and_not_clipped(browser: Any, report: str, media: str) -> None:
    visit = Visit(browser, _url(report), width=1280 if media == "screen" else 643, media=media)
    try:
        visit.fit_height()
        cells = visit.page.evaluate(CELLS_JS)
        ay = agency_year(report)
        expected = sum(len(place(table_grid(ay.fmt, t, ay)).placed) for t in ("二", "三", "四"))
        assert len(cells) == expected
        assert _unclipped_problems(cells) == []
    finally:
        visit.close()


def test_merged_cells_span_the_official_rows_and_columns(browser: Any, report: str) -> None:
    visit = Visit(browser, _url(report))
    try:
        assert _span_problems(report, visit.page.evaluate(TABLES_JS)) == []
    finally:
        visit.close()


def test_printed_page_fits_the_width_of_a4(browser: Any, report: str) -> None:
    visit = Visit(browser, _url(report), media="print")
    try:
        rule = visit.page.evaluate(PAGE_RULE_JS)
        assert rule is not None and rule["size"].upper() == "A4", rule
        margins = [float(rule[k].removesuffix("mm")) for k in ("left", "right")]
        text_width = int((210 - sum(margins)) * MM)  # A4 is 210 mm wide
        visit.page.set_viewport_size({"width": text_width, "height": 1200})
        visit.fit_height()
        assert visit.page.evaluate("document.documentElement.scrollWidth") <= text_width
        widest = visit.page.evaluate("Math.max(...[...document.querySelectorAll('main *')]"
                                     ".map(e => e.getBoundingClientRect().right))")
        assert widest <= text_width + TOLERANCE, f"content reaches {widest:.0f} px; A4 text block is {text_width} px"
        pdf = visit.page.pdf(prefer_css_page_size=True)
        assert pdf.startswith(b"%PDF")
    finally:
        visit.close()


def test_chinese_glyphs_come_from_fonts_that_have_them(browser: Any, report: str) -> None:
    visit = Visit(browser, _url(report))
    try:
        assert tofu(visit.page) == []
        # and the page really is Chinese text in a CJK font, not an empty match
        text = visit.page.inner_text("main")
        assert len(CJK_IDEOGRAPH.findall(text)) > 500
    finally:
        visit.close()


def test_tofu_check_flags_a_character_no_font_has(browser: Any, tmp_path: Any) -> None:
    """The glyph check can fail: a private-use character has no glyph in any installed font."""
    page_file = tmp_path / "tofu.html"
    page_file.write_text('<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><body>'
                         "<p>政府信息\U0010fffd公开</p><p>政府信息公开</p></body></html>", encoding="utf-8")
    visit = Visit(browser, page_file.as_uri())
    try:
        problems = tofu(visit.page, "p")
        assert len(problems) == 1 and "\U0010fffd" in problems[0]
    finally:
        visit.close()


def test_merge_check_notices_a_wrong_span(browser: Any, tmp_path: Any) -> None:
    """The span check can fail: the seed's table 三 with one rowspan shortened is reported."""
    html = (built("seed-2019") / "report.html").read_text("utf-8")
    broken = html.replace('rowspan="8"', 'rowspan="7"', 1)
    assert broken != html
    page_file = tmp_path / "report.html"
    page_file.write_text(broken, encoding="utf-8")
    visit = Visit(browser, page_file.as_uri())
    try:
        with pytest.raises(AssertionError):
            assert _span_problems("seed-2019", visit.page.evaluate(TABLES_JS)) == []
    finally:
        visit.close()


BREAKAGES = {
    "clipped": "table.official { table-layout: fixed; } table.official th { white-space: nowrap; overflow: hidden; }",
    "too wide": "table.official { width: 900px; }",
    "hidden": "table.official th.label { visibility: hidden; }",
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_cell_check_notices_a_broken_layout(browser: Any, tmp_path: Any, breakage: str) -> None:
    """The visibility/clipping check can fail: each deliberate CSS breakage is reported."""
    html = (built("kewei-2021") / "report.html").read_text("utf-8")
    page_file = tmp_path / "report.html"
    page_file.write_text(html.replace("</style>", BREAKAGES[breakage] + "</style>", 1), encoding="utf-8")
    visit = Visit(browser, page_file.as_uri(), width=643, media="print")
    try:
        visit.fit_height()
        assert _unclipped_problems(visit.page.evaluate(CELLS_JS)) != []
    finally:
        visit.close()


def test_review_page_loads_offline_with_findings_first(browser: Any, report: str) -> None:
    url = (built(report) / "review.html").as_uri()
    visit = Visit(browser, url)
    try:
        assert visit.requests == [url], "review.html must not fetch anything (no CDN scripts)"
        assert visit.errors == [] and [m for m in visit.console if m.startswith("error")] == []
        order = visit.page.evaluate("""() => [...document.querySelectorAll('h2.rk-h, .jp-Cell')]
            .map(e => e.matches('h2.rk-h') ? e.textContent.trim() : 'cell')""")
        assert order[:3] == ["检查结果", "注入的参数", "构建信息"] and "cell" not in order[:4]
        folded = visit.page.evaluate("[...document.querySelectorAll('.jp-InputArea-editor')]"
                                     ".every(e => e.closest('details') && !e.closest('details').open)")
        assert folded
        assert tofu(visit.page, "h1, h2, td, th") == []
    finally:
        visit.close()
