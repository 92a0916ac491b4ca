"""Hostile text in params stays text in every page a build writes, in Word and in PDF.

Two agencies (one per official format) whose name, short name, the three texts (总体情况, 问题及改进,
其他事项), catalogue names and acknowledgement reasons carry ``<script>``, an ``<img onerror>``, a
``javascript:`` URL (bare, as a Markdown link and as an anchor), ``</td></table>``, ``]]>`` and a
remote image; a registered agency without params and a params file whose invalid slug is echoed in its
error put the same into the index pages. The build's report.html, review.html and index pages are
opened in headless Chromium (Playwright on the system browser, as in test_browser.py) with every
request recorded: no script of ours runs (``window.__pwned`` stays undefined), nothing but file: and
data: is requested, no event handler or URL attribute is built from the payload, the tables keep their
shape, and the hostile strings are visible as literal text. report.docx and report.pdf (pdftotext)
contain them literally too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import yaml

from report_kit import params

from ._hardening import KEWEI, SEED, build
from .fuzz_tally import count

pytestmark = pytest.mark.slow
sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the test extra (playwright)")

SCRIPT = "<script>window.__pwned=1</script>"
IMG = '<img src=x onerror="window.__pwned=1">'
JS_URL = "javascript:window.__pwned=1"
TABLE = "</td></table>"
CDATA = "]]>"
HOSTILE = (SCRIPT, IMG, JS_URL, TABLE, CDATA)
PAYLOAD = "".join(HOSTILE)
SHORT = SCRIPT + IMG + TABLE + CDATA  # 简称 allows 100 characters
LINKS = '[点此](javascript:window.__pwned=1) <a href="javascript:window.__pwned=1">点此</a>'
REMOTE = '<img src="http://203.0.113.7/x.png"><link rel="stylesheet" href="https://203.0.113.7/x.css">'
AGENCIES = {"evil-2019": SEED, "evil-2024": KEWEI}

PAGE_JS = """
async () => {
  const URL_ATTRS = new Set(['href', 'src', 'action', 'formaction', 'xlink:href', 'poster', 'srcdoc', 'data']);
  await new Promise(r => setTimeout(r, 300));  // an injected <img onerror> fires after its load fails
  // escaped payload inside a quoted data attribute is harmless; markup or handlers built from it are not
  const attrs = [];
  for (const el of document.querySelectorAll('*'))
    for (const a of el.attributes)
      if ((a.name.startsWith('on') && a.value.includes('__pwned')) || (URL_ATTRS.has(a.name) &&
          (/^\\s*javascript:/i.test(a.value) || /^\\s*x\\s*$/.test(a.value) || a.value.includes('203.0.113.'))))
        attrs.push(`${el.tagName} ${a.name}=${a.value.slice(0, 40)}`);
  return {pwned: typeof window.__pwned, attrs, text: document.body.innerText,
          scripts: [...document.scripts].filter(s => s.text.includes('__pwned')).length,
          tables: [...document.querySelectorAll('table')].map(t => [t.className, t.id, t.rows.length,
                    Math.max(0, ...[...t.rows].map(r => r.cells.length))])};
}
"""


def _hostile(source: Path, slug: str) -> str:
    """``source`` under ``slug`` with the payload in every free-text field."""
    ay = params.load(source)
    texts = {key: f"本年度{PAYLOAD}。\n{LINKS}\n{REMOTE}\n" for key in ("总体情况", "问题及改进", "其他事项")}
    acknowledged = {"BLANK-CELLS@三" if slug == "evil-2024" else "BLANK-CELLS@二": f"原件如此{PAYLOAD}",
                    f"STALE-{SCRIPT}": f"已核对{PAYLOAD}"}
    hostile = replace(ay, agency=f"测试{PAYLOAD}局", short_name=SHORT, slug=slug, text=texts,
                      catalogue=((PAYLOAD, 3), (f"政策法规目录{IMG}", 2)), acknowledged=acknowledged)
    text = params.dumps(hostile)
    back = params.loads(text, slug)
    assert (back.agency, back.short_name, back.catalogue) == (hostile.agency, SHORT, hostile.catalogue)
    return text


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("escaping")
    registry = []
    for slug, source in AGENCIES.items():
        year = params.load(source).year
        path = root / "params" / str(year) / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(_hostile(source, slug), encoding="utf-8")
        registry.append({"slug": slug, "name": f"测试{PAYLOAD}局", "first_year": year, "last_year": year})
    registry.append({"slug": "evil-missing", "name": f"缺报{PAYLOAD}局", "parent": PAYLOAD, "first_year": 2024})
    registry.append({"slug": "evil-broken", "name": "参数有误局", "first_year": 2024})
    broken = (root / "params" / "2024" / "evil-2024.yaml").read_text("utf-8")
    broken = broken.replace("slug: evil-2024", f"slug: '{PAYLOAD}'", 1)  # its error message quotes the slug
    (root / "params" / "2024" / "evil-broken.yaml").write_text(broken, encoding="utf-8")
    (root / "params" / "agencies.yaml").write_text(yaml.safe_dump({"agencies": registry}, allow_unicode=True),
                                                   encoding="utf-8")
    formats = "docx,pdf" if shutil.which("pdftotext") else "docx"
    # one year at a time, as an office would: --year lists the registered agency without params as missing
    earlier = build(root, "--jobs", "2", "--to", formats, "--year", "2019", tag="rk-escaping-2019")
    assert earlier.returncode == 0, earlier.stderr
    assert "1 built, 0 up to date, 0 failed, 0 missing" in earlier.stdout, earlier.stdout
    result = build(root, "--jobs", "2", "--to", formats, "--year", "2024", tag="rk-escaping-2024")
    assert result.returncode == 1, result.stderr  # the broken params file fails; the others build
    assert "1 built, 0 up to date, 1 failed, 1 missing" in result.stdout, result.stdout
    assert "Traceback" not in earlier.stderr + result.stderr
    return root / "outputs"


PAGES = {  # page → (the literal texts it must show, which kind of page it is)
    "2019/evil-2019/report.html": ((f"测试{PAYLOAD}局", PAYLOAD), "report"),
    "2024/evil-2024/report.html": ((f"测试{PAYLOAD}局", PAYLOAD), "report"),
    # (the short name shows only in the run table, which pandas cuts at 50 characters)
    "2019/evil-2019/review.html": ((f"原件如此{PAYLOAD}", f"STALE-{SCRIPT}", PAYLOAD), "review"),
    "2024/evil-2024/review.html": ((f"原件如此{PAYLOAD}", f"STALE-{SCRIPT}", PAYLOAD), "review"),
    "2019/index.html": ((f"测试{PAYLOAD}局",), "index"),
    "2024/index.html": ((f"测试{PAYLOAD}局", f"缺报{PAYLOAD}局", PAYLOAD), "index"),  # + the broken file's error
    "index.html": ((f"测试{PAYLOAD}局", f"缺报{PAYLOAD}局"), "index"),
}


def _visit(browser: Any, url: str) -> tuple[dict[str, Any], list[str]]:
    context = browser.new_context(java_script_enabled=True, service_workers="block")
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))
    page = context.new_page()
    try:
        page.goto(url, wait_until="load")
        return page.evaluate(PAGE_JS), requests
    finally:
        context.close()


@pytest.mark.parametrize("rel", sorted(PAGES))
def test_page_shows_hostile_text_as_text(outputs: Path, browser: Any, rel: str) -> None:
    must_show, kind = PAGES[rel]
    path = outputs / rel
    result, requests = _visit(browser, path.as_uri())
    injected = []
    if result["pwned"] != "undefined":
        injected.append(f"window.__pwned is {result['pwned']}: hostile markup ran")
    if result["attrs"] or result["scripts"]:
        injected.append(f"payload in attributes {result['attrs'][:5]} or in {result['scripts']} script elements")
    remote = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    if remote:
        injected.append(f"requests that leave the machine: {remote[:5]}")
    lost = [s for s in must_show if s not in result["text"]]
    tables = result["tables"]
    if kind == "report":
        if ["official" in t[0].split() for t in tables] != [True] * 3:
            lost.append(f"tables of the report: {tables}")
        if result["text"].count(PAYLOAD) < 5:  # title, three texts, a catalogue name in the prose of 二
            lost.append(f"the payload shows {result['text'].count(PAYLOAD)} times, expected at least 5")
    if kind == "index":
        index = next(t for t in tables if t[1] == "t")
        if index[3] != 10:
            lost.append(f"index table no longer 10 columns wide: {index}")
    count(f"escaping {kind} page", "injected" if injected else "lost-output" if lost else "valid")
    assert not injected, injected
    assert not lost, f"not shown as literal text: {lost}"


@pytest.mark.parametrize("slug", sorted(AGENCIES))
def test_docx_holds_the_literal_text(outputs: Path, slug: str) -> None:
    from docx import Document

    year = params.load(AGENCIES[slug]).year
    doc = Document(str(outputs / str(year) / slug / "report.docx"))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    text = "\n".join(parts)
    missing = [s for s in (f"测试{PAYLOAD}局", PAYLOAD, *HOSTILE) if s not in text]
    count("escaping report.docx", "lost-output" if missing else "valid")
    assert not missing
    assert text.count(PAYLOAD) >= 4  # title, three texts (catalogue names too when the format lists them)


@pytest.mark.parametrize("slug", sorted(AGENCIES))
def test_pdf_holds_the_literal_text(outputs: Path, slug: str) -> None:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed")
    year = params.load(AGENCIES[slug]).year
    pdf = outputs / str(year) / slug / "report.pdf"
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    flat = re.sub(r"\s+", "", text)  # lines break anywhere in CJK text
    missing = [s for s in (PAYLOAD, *HOSTILE) if re.sub(r"\s+", "", s) not in flat]
    count("escaping report.pdf", "lost-output" if missing else "valid")
    assert not missing, f"missing from {pdf.name}: {missing}"
