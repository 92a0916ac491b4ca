"""``report-kit publish``: the portal-ready folder of approved, unchanged reports, and corrections.

Only an agency whose every sign-off matches its current params and released files is copied, under the name a
portal CMS expects (``<机关名称><year>年政府信息公开工作年度报告.html/.pdf/.docx``); every other agency is listed
with its reason. A release is recorded in the approvals file with the portal date (apart from the 成文日期 the
report prints) and archived (files and notebook), so a later approved change is published as a correction:
the new files under the usual names with a 更正说明 drawn from ``diff`` of the two builds (inserted at the top of
the HTML and as a page of its own), the previous files kept beside them as 原文. A held-back agency keeps its
last release in the portal.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

from jinja2 import Environment, select_autoescape

from report_kit import export
from report_kit.errors import ApprovalError
from report_kit.files import atomic_write_bytes, atomic_write_text
from report_kit.gate._approvals import RELEASED, Record, Release, archive_dir, load_steps, record_path, save_record
from report_kit.gate._approve import default_approvals, gate_state
from report_kit.i18n import _
from report_kit.region import collect

Action = Literal["published", "corrected", "unchanged", "held"]
UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')


@dataclass(frozen=True)
class Outcome:
    slug: str
    name: str
    action: Action
    reasons: tuple[str, ...] = ()
    release: Release | None = None  # what the portal shows for this agency now (None: nothing)
    first: str | None = None  # the date of its first release (YYYY-MM-DD)


def safe_name(text: str) -> str:
    """A file name from a report title: path and shell-hostile characters replaced, never hidden, bounded."""
    name = UNSAFE.sub("_", text).strip().lstrip(".") or "report"
    return name[:150]


def chinese_date(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


@cache
def _env() -> Environment:
    return Environment(autoescape=select_autoescape(default=True, default_for_string=True), trim_blocks=True,
                       lstrip_blocks=True)


def _template(name: str) -> str:
    return resources.files(__package__).joinpath("templates", name).read_text("utf-8")


def _sentences(paragraphs: Sequence[str]) -> list[str]:
    return [s for p in paragraphs for s in p.split("。") if s.strip()]


def correction_lines(old_notebook: Path, new_notebook: Path) -> list[str]:
    """What changed between the released build and the new one, in the words of a 更正说明 (from ``diff``)."""
    diff = export.diff_builds(old_notebook, new_notebook)

    def shown(v: str | None) -> str:
        return "（无此项）" if v is None else v or "（空白）"

    lines = [f"{c.label}：原为{shown(c.old)}，更正为{shown(c.new)}。" for c in diff.figures]
    for t in diff.text:
        # sentence by sentence: a section's generated prose is one paragraph, the notice quotes what changed
        old, new = _sentences(t.old), _sentences(t.new)
        olds, news = [p for p in old if p not in new], [p for p in new if p not in old]
        for a, b in zip(olds, news, strict=False):
            lines.append(f"{t.section}：“{a.rstrip('。')}”更正为“{b.rstrip('。')}”。")
        lines += [f"{t.section}：删除“{a.rstrip('。')}”。" for a in olds[len(news):]]
        lines += [f"{t.section}：增加“{b.rstrip('。')}”。" for b in news[len(olds):]]
    if not lines and diff.meta:
        lines += [f"{what}：{a} → {b}" for what, a, b in diff.meta if what != "参数文件SHA-256"]
    return lines or ["版式或附件更新，正文与表格数据未变。"]


def _notice_html(title: str, first: str, today: date, lines: Sequence[str], kept_html: str | None) -> str:
    return _env().from_string(_template("notice.html.j2")).render(title=title, first=first,
                                                                 today=chinese_date(today), lines=lines,
                                                                 kept=kept_html)


def _with_notice(html: str, notice: str) -> str:
    for marker in ('<main class="report">', "<body>"):
        if marker in html:
            return html.replace(marker, f"{marker}\n{notice}", 1)
    raise ApprovalError(_("report.html has no <body>: cannot insert the 更正说明"))


def _restore(portal: Path, approvals: Path, year: int, slug: str, release: Release) -> None:
    """Put a release's files back into the portal folder (another folder, or deleted by hand)."""
    src = archive_dir(approvals, year, slug, release.number) / "portal"
    for name in [*release.files, *release.kept, *([release.notice] if release.notice else [])]:
        if not (portal / name).is_file() and (src / name).is_file():
            atomic_write_bytes(portal / name, (src / name).read_bytes())


def _release(portal: Path, approvals: Path, record: Record, title: str, build_folder: Path, params_sha: str,
             content: dict[str, str], today: date) -> Release:
    previous = record.releases[-1] if record.releases else None
    number = previous.number + 1 if previous else 1
    stem = safe_name(title)
    archive = archive_dir(approvals, record.year, record.slug, number)
    if archive.exists():
        shutil.rmtree(archive)  # a release that was interrupted before it was recorded
    files: dict[str, bytes] = {f"{stem}{Path(n).suffix}": (build_folder / n).read_bytes() for n in RELEASED
                               if n in content}
    kept: list[str] = []
    changes: list[str] = []
    notice_name = None
    if previous is not None:
        old = archive_dir(approvals, record.year, record.slug, previous.number)
        label = f"（{chinese_date(date.fromisoformat(previous.date))}发布原文）"
        for name in previous.files:
            src = old / "portal" / name
            if src.is_file():
                kept_name = f"{Path(name).stem}{label}{Path(name).suffix}"
                files[kept_name] = src.read_bytes()
                kept.append(kept_name)
        changes = correction_lines(old / "report.ipynb", build_folder / "report.ipynb")
        first = chinese_date(date.fromisoformat(record.releases[0].date))
        kept_html = next((k for k in kept if k.endswith(".html")), None)
        notice = _notice_html(title, first, today, changes, kept_html)
        html_name = f"{stem}.html"
        files[html_name] = _with_notice(files[html_name].decode("utf-8"), notice).encode("utf-8")
        notice_name = f"{stem}更正说明.html"
        page = _env().from_string(_template("notice_page.html.j2")).render(title=title, notice=notice)
        files[notice_name] = page.encode("utf-8")
    for name, data in files.items():
        atomic_write_bytes(archive / "portal" / name, data)
    atomic_write_bytes(archive / "report.ipynb", (build_folder / "report.ipynb").read_bytes())
    for name, data in files.items():
        atomic_write_bytes(portal / name, data)
    release = Release(number=number, date=today.isoformat(), to=str(portal.resolve()), params_sha256=params_sha,
                      content=dict(content), files=[f"{stem}{Path(n).suffix}" for n in RELEASED if n in content],
                      correction=previous is not None, changes=changes, notice=notice_name, kept=kept)
    record.releases.append(release)
    return release


def _first(record: Record | None) -> str | None:
    return record.releases[0].date if record and record.releases else None


def publish_year(params_root: Path, year: int, portal: Path, outputs: Path = Path("outputs"),
                 approvals: Path | None = None, registry: Path | None = None,
                 today: date | None = None) -> list[Outcome]:
    """Copy every fully signed-off, unchanged report of ``year`` into ``portal``; list the others with reasons."""
    today = today or date.today()
    approvals = approvals or default_approvals(params_root)
    steps = load_steps(approvals)
    region = collect(params_root, year, registry=registry, today=today)
    portal.mkdir(parents=True, exist_ok=True)
    outcomes: list[Outcome] = []
    for m in region.members:
        state = gate_state(m.path, m.slug, m.name, year, outputs, approvals, steps)
        record = state.record
        last = record.releases[-1] if record and record.releases else None
        if not state.approved or state.build is None or state.params_sha256 is None or m.ay is None:
            if last is not None:
                _restore(portal, approvals, year, m.slug, last)
            outcomes.append(Outcome(m.slug, state.name, "held", state.reasons, last, _first(record)))
            continue
        assert record is not None  # approved: signed, so recorded
        if last is not None and last.params_sha256 == state.params_sha256 and last.content == state.build.content:
            _restore(portal, approvals, year, m.slug, last)
            outcomes.append(Outcome(m.slug, state.name, "unchanged", (), last, _first(record)))
            continue
        release = _release(portal, approvals, record, m.ay.title, state.build.folder, state.params_sha256,
                           state.build.content, today)
        save_record(record_path(approvals, year, m.slug), record)
        outcomes.append(Outcome(m.slug, state.name, "corrected" if release.correction else "published", (), release,
                                _first(record)))
    shown = [o for o in outcomes if o.release is not None]
    page = _env().from_string(_template("portal_index.html.j2")).render(
        year=year, rows=shown, cdate=lambda d: chinese_date(date.fromisoformat(d)))
    atomic_write_text(portal / "index.html", page)
    return outcomes
