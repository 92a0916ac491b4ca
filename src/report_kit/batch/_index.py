"""outputs/index.html, outputs/<year>/index.html and outputs/summary.csv: what a reviewer opens first.

They describe what the outputs tree holds for every agency-year of the params tree, whatever ``--year`` the
last build had: a current report (``ok``), one whose inputs changed since (``outdated``), a failure (with
failed.ipynb and the failing cell), or a registered agency without params (``missing``). What the last build
itself did (built / up to date) is in the page's marked build-record block only, so the same outputs give the
same index whichever builds led to them.

Self-contained (inline CSS and a few lines of JS for sorting and filtering, no network); every value
from params is escaped by Jinja2's autoescaping; no timestamps.
"""

from __future__ import annotations

import csv
import io
import os
from collections import Counter
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path

from jinja2 import Environment

from report_kit import csvcells
from report_kit.batch._executor import AgencyStatus
from report_kit.errors import OutputPathError, OutputWriteError
from report_kit.export import FAILED
from report_kit.i18n import _, ngettext
from report_kit.outdir import OutputRoot

# a file name that is not UTF-8 (surrogateescape) is shown as its escape, never a UnicodeEncodeError
UNDECODABLE = "backslashreplace"
_ENV = Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True)
_PAGE = _ENV.from_string(resources.files(__package__).joinpath("index.html.j2").read_text("utf-8"))
STATE = {"built": "ok", "skipped": "ok", "outdated": "outdated", "failed": "failed", "missing": "missing"}
LABELS = {"ok": "已生成", "outdated": "待重建", "failed": "失败", "missing": "缺少参数"}
RUN_LABELS = {"built": "本次生成", "skipped": "未变化", "failed": "失败", "missing": "缺少参数"}


def _row(s: AgencyStatus, base: Path) -> dict[str, object]:
    counts = Counter(f.get("severity") for f in s.findings if not f.get("acknowledged"))

    def link(name: str) -> str | None:
        if s.outputs is None or not (s.outputs / name).is_file() or (s.outputs / name).is_symlink():
            return None
        return os.path.relpath(s.outputs / name, base)

    first_line = _summary(s.reason)
    state = STATE[s.status]
    return {"year": s.year, "name": s.name, "slug": s.slug, "status": state, "errors": counts["error"],
            "warnings": counts["warning"], "info": counts["info"], "report": link("report.html"),
            "review": link("review.html"), "notebook": link("report.ipynb"),
            "failed": link(FAILED) if state == "failed" else None,
            "cell": s.cell if state == "failed" else None, "reason": "" if state == "ok" else first_line}


def _summary(reason: str) -> str:
    """One line for a table cell: a params error's first problem (its header line only names the file)."""
    lines = [ln.strip() for ln in reason.splitlines() if ln.strip()]
    n = len(lines) - 1  # a ParamsError: its header (in the language it was written in), one line per problem
    header = ngettext("{path}: {n} problem in params file", "{path}: {n} problems in params file", n).format(
        path="", n=n)
    if n > 0 and lines[0].endswith(header):
        more = _(" (+{n} more)").format(n=n - 1) if n > 1 else ""
        return lines[1] + more
    return lines[0] if lines else ""


def _page(statuses: Sequence[AgencyStatus], base: Path, title: str, run: Sequence[AgencyStatus]) -> str:
    rows = sorted((_row(s, base) for s in statuses), key=lambda r: (-(r["year"] or 0), str(r["slug"])))
    state_counts = Counter(STATE[s.status] for s in statuses)
    totals = [(LABELS[k], state_counts[k]) for k in LABELS if state_counts[k]]
    run_counts = Counter(s.status for s in run)
    this_run = [(RUN_LABELS[k], run_counts[k]) for k in RUN_LABELS if run_counts[k]]
    return _PAGE.render(rows=rows, totals=totals, labels=LABELS, title=title, this_run=this_run)


def write_index(outputs: OutputRoot | Path, statuses: Sequence[AgencyStatus], run: Sequence[AgencyStatus] = (),
                on_problem: Callable[[str], None] | None = None) -> list[Path]:
    """Write the index pages and summary.csv for ``statuses`` (every agency-year); ``run``: what this build did.

    Files are replaced atomically inside the outputs root; a year folder that is a link is refused. A year page
    that cannot be written (a read-only or linked year folder) is passed to ``on_problem`` (raised without it),
    and the top-level index and summary.csv are still written.
    """
    root = outputs if isinstance(outputs, OutputRoot) else OutputRoot(outputs)
    statuses = [s for s in statuses if s.status in STATE]
    years = sorted({s.year for s in statuses if s.year})
    root.sweep_temps(())  # index pages or summary.csv of a killed build
    written = [root.write_file(("index.html",), _page(statuses, root.path, "政府信息公开工作年度报告 · 生成情况",
                                                     run).encode("utf-8", UNDECODABLE))]
    for year in years:
        page = _page([s for s in statuses if s.year == year], root.path / str(year),
                     f"{year}年度政府信息公开工作年度报告 · 生成情况", [s for s in run if s.year == year])
        try:
            root.sweep_temps((str(year),))
            written.append(root.write_file((str(year), "index.html"), page.encode("utf-8", UNDECODABLE)))
        except (OutputPathError, OutputWriteError) as exc:
            if on_problem is None:
                raise
            on_problem(str(exc))
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["year", "slug", "agency", "status", "errors", "warnings", "info", "report", "reason"])
    for s in sorted(statuses, key=lambda s: (s.year or 0, s.slug)):
        r = _row(s, root.path)
        w.writerow(csvcells.row([r["year"] or "", s.slug, s.name, r["status"], r["errors"], r["warnings"],
                                 r["info"], r["report"] or "", r["reason"]]))  # no cell can become a formula
    # BOM: Excel opens UTF-8 correctly
    written.append(root.write_file(("summary.csv",), ("\ufeff" + buf.getvalue()).encode("utf-8", UNDECODABLE)))
    return written
