"""outputs/index.html, outputs/<year>/index.html and outputs/summary.csv: what a reviewer opens first.

Self-contained (inline CSS and a few lines of JS for sorting and filtering, no network); every value
from params is escaped by Jinja2's autoescaping; no timestamps, so unchanged builds give the same page.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Sequence
from importlib import resources
from pathlib import Path

from jinja2 import Environment

from report_kit import csvcells
from report_kit.batch._executor import AgencyStatus
from report_kit.files import atomic_write_text, remove_stale_temps

_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENV.from_string(resources.files(__package__).joinpath("index.html.j2").read_text("utf-8"))
LABELS = {"built": "已生成", "skipped": "未变化", "failed": "失败", "missing": "缺少参数"}


def _row(s: AgencyStatus, base: Path) -> dict[str, object]:
    counts = Counter(f.get("severity") for f in s.findings if not f.get("acknowledged"))

    def link(name: str) -> str | None:
        if s.outputs is None or not (s.outputs / name).is_file():
            return None
        return os.path.relpath(s.outputs / name, base)

    first_line = s.reason.splitlines()[0] if s.reason else ""
    return {"year": s.year, "name": s.name, "slug": s.slug, "status": s.status, "errors": counts["error"],
            "warnings": counts["warning"], "info": counts["info"], "report": link("report.html"),
            "review": link("review.html"), "notebook": link("report.ipynb"), "reason": first_line}


def _page(statuses: Sequence[AgencyStatus], base: Path, title: str) -> str:
    rows = sorted((_row(s, base) for s in statuses), key=lambda r: (-(r["year"] or 0), str(r["slug"])))
    status_counts = Counter(s.status for s in statuses)
    totals = [(LABELS[k], status_counts[k]) for k in LABELS if status_counts[k]]
    return _PAGE.render(rows=rows, totals=totals, labels=LABELS, title=title)


def write_index(outputs: Path, statuses: Sequence[AgencyStatus]) -> list[Path]:
    """Write the index pages and summary.csv; returns the files written."""
    written = []
    for folder in {outputs, *(outputs / str(s.year) for s in statuses if s.year)}:
        remove_stale_temps(folder)  # index pages or summary.csv of a killed build
    path = outputs / "index.html"
    atomic_write_text(path, _page(statuses, outputs, "政府信息公开工作年度报告 · 生成情况"))
    written.append(path)
    for year in sorted({s.year for s in statuses if s.year}):
        ypath = outputs / str(year) / "index.html"
        atomic_write_text(ypath, _page([s for s in statuses if s.year == year], ypath.parent,
                                       f"{year}年度政府信息公开工作年度报告 · 生成情况"))
        written.append(ypath)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["year", "slug", "agency", "status", "errors", "warnings", "info", "report", "reason"])
    for s in sorted(statuses, key=lambda s: (s.year or 0, s.slug)):
        r = _row(s, outputs)
        w.writerow(csvcells.row([r["year"] or "", s.slug, s.name, s.status, r["errors"], r["warnings"], r["info"],
                                 r["report"] or "", r["reason"]]))  # no cell can become a formula
    atomic_write_text(outputs / "summary.csv", "\ufeff" + buf.getvalue())  # BOM: Excel opens UTF-8 correctly
    written.append(outputs / "summary.csv")
    return written
