"""What changed between two builds of a report: figures, findings and text, as a reviewer reads them.

Each side is an executed report notebook (``report.ipynb``, or the build folder holding it). The
figures and the prose are read from what the notebook published (the official tables' cells carry
``data-table``/``data-row``/``data-col``; sections carry ``data-section``), the findings and the
inputs from the run record papermill and report-kit left in the notebook's metadata. So the diff
shows what each build said, whatever the params files say today.
"""

from __future__ import annotations

import difflib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bs4 import BeautifulSoup

from report_kit._notebooks import MALFORMED, read_notebook
from report_kit.errors import BuildReadError, FormatError
from report_kit.formats import Format, get_format
from report_kit.i18n import _

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

CellKey = tuple[str, str, str]  # table, row key, column key
SEVERITY_LABEL = {"error": "错误", "warning": "警告", "info": "提示"}
BLANK = "（空白）"


@dataclass(frozen=True)
class Snapshot:
    """One build as the diff sees it."""

    path: Path
    record: dict[str, Any]
    built: str | None
    params_sha256: str | None
    title: str
    figures: dict[CellKey, str]
    sections: dict[str, tuple[str, tuple[str, ...]]]  # key → (title, paragraphs)
    findings: dict[str, dict[str, Any]]

    @property
    def fmt(self) -> Format | None:
        try:
            return get_format(str(self.record.get("format")))
        except FormatError:
            return None


@dataclass(frozen=True)
class FigureChange:
    key: CellKey
    label: str
    old: str | None  # None: the cell does not exist on that side (another format)
    new: str | None


@dataclass(frozen=True)
class TextChange:
    section: str  # official section title
    old: tuple[str, ...]
    new: tuple[str, ...]


@dataclass(frozen=True)
class RunDiff:
    old: Snapshot
    new: Snapshot
    meta: list[tuple[str, str, str]] = field(default_factory=list)  # (what, old, new)
    figures: list[FigureChange] = field(default_factory=list)
    findings_new: list[dict[str, Any]] = field(default_factory=list)
    findings_resolved: list[dict[str, Any]] = field(default_factory=list)
    findings_changed: list[tuple[dict[str, Any], dict[str, Any]]] = field(default_factory=list)
    text: list[TextChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.meta or self.figures or self.findings_new or self.findings_resolved
                    or self.findings_changed or self.text)


# ------------------------------------------------------------------------------------------ reading


def _notebook_path(path: Path) -> Path:
    if path.is_dir():
        candidate = path / "report.ipynb"
        if not candidate.is_file():
            raise BuildReadError(_("{path}: no report.ipynb in this folder; give a build folder "
                                   "(outputs/<year>/<slug>) or an executed notebook").format(path=path))
        return candidate
    if not os.path.lexists(path):
        raise BuildReadError(_("{path}: no such file or folder").format(path=path))
    return path


def _published_html(nb: nbformat.NotebookNode) -> str:
    """The HTML the published cells displayed (review cells excluded when the template tags them)."""
    def html_of(cells: list[Any]) -> str:
        return "\n".join(str(o.get("data", {}).get("text/html", "")) for c in cells if c.cell_type == "code"
                         for o in c.get("outputs", ()) if "text/html" in o.get("data", {}))

    shown = [c for c in nb.cells if "review" not in c.metadata.get("tags", [])]
    return html_of(shown) or html_of(nb.cells)


def read_snapshot(path: str | Path) -> Snapshot:
    """Read one side of a diff: a report.ipynb written by ``report-kit run``, or its folder."""
    nb_path = _notebook_path(Path(path))
    # report.ipynb inside a build folder is report-kit's own file: a link there is refused
    nb = read_notebook(nb_path, follow_links=nb_path == Path(path))
    try:
        return _snapshot(nb_path, nb)
    except MALFORMED as exc:  # a hand-edited run record or published HTML of the wrong shape
        why = f"{type(exc).__name__}: {exc}"
        raise BuildReadError(_("{path}: not a report notebook written by report-kit ({why})").format(
            path=nb_path, why=why)) from None


def _snapshot(nb_path: Path, nb: nbformat.NotebookNode) -> Snapshot:
    record = dict(nb.metadata.get("report_kit") or {})
    if not record:
        raise BuildReadError(_("{path}: no report-kit run record in the notebook metadata; compare notebooks "
                               "written by `report-kit run` / `report-kit build`").format(path=nb_path))
    soup = BeautifulSoup(_published_html(nb), "lxml")
    figures = {(td.find_parent("table")["data-table"], td["data-row"], td["data-col"]): td.get_text(strip=True)
               for td in soup.select("table[data-table] td[data-row][data-col]")}
    sections = {}
    for sec in soup.select("section[data-section]"):
        h2 = sec.find("h2")
        sections[sec["data-section"]] = (h2.get_text(strip=True) if h2 else sec["data-section"],
                                         tuple(p.get_text() for p in sec.find_all("p")))
    h1 = soup.select_one("h1")
    pm = nb.metadata.get("papermill", {})
    return Snapshot(
        path=nb_path, record=record, built=_text(pm.get("end_time")),
        params_sha256=_text(record.get("params_sha256") or pm.get("parameters", {}).get("params_sha256")),
        title=str(record.get("title") or (h1.get_text(strip=True) if h1 else "")),
        figures=figures, sections=sections,
        findings={f["id"]: f for f in record.get("findings", []) if "id" in f},
    )


def _text(value: Any) -> str | None:
    return None if value is None else str(value)  # a hand-edited record may hold numbers or lists


# ---------------------------------------------------------------------------------------- comparing


def _cell_label(snap: Snapshot, key: CellKey) -> str:
    table, row, col = key
    fmt = snap.fmt
    try:
        return f"表{table} {fmt.table(table).cell_label(row, col)}" if fmt else f"表{table} {row} × {col}"
    except KeyError:
        return f"表{table} {row} × {col}"


def _finding_changed(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return any(a.get(k) != b.get(k) for k in ("severity", "message", "expected", "actual", "acknowledged"))


def compare(old: Snapshot, new: Snapshot) -> RunDiff:
    """Every difference between two builds, in the official order of tables, rows and sections."""
    diff = RunDiff(old, new)
    for what, a, b in (("报告", old.title, new.title), ("报告格式", old.record.get("format"), new.record.get("format")),
                       ("参数文件SHA-256", old.params_sha256, new.params_sha256)):
        if a != b:
            diff.meta.append((what, str(a or ""), str(b or "")))

    order = list(new.figures) + [k for k in old.figures if k not in new.figures]
    order.sort(key=lambda k: "二三四".find(k[0]))  # stable: keeps each side's official row order
    for key in order:
        a, b = old.figures.get(key), new.figures.get(key)
        if a != b:
            diff.figures.append(FigureChange(key, _cell_label(new if b is not None else old, key), a, b))

    for fid, f in new.findings.items():
        if fid not in old.findings:
            diff.findings_new.append(f)
        elif _finding_changed(old.findings[fid], f):
            diff.findings_changed.append((old.findings[fid], f))
    diff.findings_resolved.extend(f for fid, f in old.findings.items() if fid not in new.findings)

    keys = list(new.sections) + [k for k in old.sections if k not in new.sections]
    for key in keys:
        a_title, a_paras = old.sections.get(key, ("", ()))
        b_title, b_paras = new.sections.get(key, ("", ()))
        if a_paras != b_paras or a_title != b_title:
            diff.text.append(TextChange(b_title or a_title, a_paras, b_paras))
    return diff


def diff_builds(old: str | Path, new: str | Path) -> RunDiff:
    return compare(read_snapshot(old), read_snapshot(new))


# ---------------------------------------------------------------------------------------- rendering


def _shown(v: str | None) -> str:
    if v is None:
        return "（无此格）"
    return v if v != "" else BLANK


def inline_diff(a: str, b: str) -> str:
    """One line with the changed characters marked: [-deleted-]{+inserted+} (character level suits Chinese)."""
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(a[i1:i2])
            continue
        if i2 > i1:
            out.append(f"[-{a[i1:i2]}-]")
        if j2 > j1:
            out.append(f"{{+{b[j1:j2]}+}}")
    return "".join(out)


def _finding_line(f: dict[str, Any]) -> str:
    sev = SEVERITY_LABEL.get(str(f.get("severity")), str(f.get("severity")))
    ack = f"（已确认：{f['acknowledged']}）" if f.get("acknowledged") else ""
    return f"[{sev}] {f.get('id')}  {f.get('message', '')}{ack}"


def _side(snap: Snapshot) -> str:
    sha = (snap.params_sha256 or "")[:12]
    return _("{path}  ({title}; params {sha}; built {built})").format(path=snap.path, title=snap.title,
                                                                         sha=sha or "—", built=snap.built or "—")


def _text_lines(change: TextChange) -> list[str]:
    lines = [f"  {change.section}"]
    sm = difflib.SequenceMatcher(None, change.old, change.new, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        olds, news = change.old[i1:i2], change.new[j1:j2]
        if op == "replace" and len(olds) == len(news):
            lines += [f"    ~ {inline_diff(a, b)}" for a, b in zip(olds, news, strict=True)]
            continue
        lines += [f"    - {p}" for p in olds]
        lines += [f"    + {p}" for p in news]
    return lines


def format_diff(diff: RunDiff) -> str:
    """The diff as plain text for a terminal or a review comment."""
    lines = [_("report-kit diff"), _("  old: {side}").format(side=_side(diff.old)),
             _("  new: {side}").format(side=_side(diff.new)), ""]
    if diff.empty:
        return "\n".join([*lines, _("No differences in figures, findings or text.")]) + "\n"
    for what, a, b in diff.meta:
        lines.append(f"{what}: {a or '—'} → {b or '—'}")
    if diff.meta:
        lines.append("")

    lines.append(_("Figures: {n} changed").format(n=len(diff.figures)) if diff.figures else _("Figures: unchanged"))
    lines += [f"  {c.label}: {_shown(c.old)} → {_shown(c.new)}" for c in diff.figures]
    lines.append("")

    counts = (len(diff.findings_resolved), len(diff.findings_new), len(diff.findings_changed))
    lines.append(_("Findings: {resolved} resolved, {new} new, {changed} changed").format(
        resolved=counts[0], new=counts[1], changed=counts[2]) if any(counts) else _("Findings: unchanged"))
    lines += [f"  - {_finding_line(f)}" for f in diff.findings_resolved]
    lines += [f"  + {_finding_line(f)}" for f in diff.findings_new]
    for a, b in diff.findings_changed:
        lines += [f"  ~ {_finding_line(b)}", _("      was: {finding}").format(finding=_finding_line(a))]
    lines.append("")

    lines.append(_("Text: {n} section(s) changed").format(n=len(diff.text)) if diff.text else _("Text: unchanged"))
    for change in diff.text:
        lines += _text_lines(change)
    return "\n".join(lines).rstrip() + "\n"


def diff_json(diff: RunDiff) -> dict[str, Any]:
    """The diff as JSON-ready data (for scripts and CI)."""
    return {
        "old": str(diff.old.path), "new": str(diff.new.path),
        "meta": [{"field": w, "old": a, "new": b} for w, a, b in diff.meta],
        "figures": [{"table": c.key[0], "row": c.key[1], "col": c.key[2], "label": c.label, "old": c.old,
                     "new": c.new} for c in diff.figures],
        "findings": {"new": diff.findings_new, "resolved": diff.findings_resolved,
                     "changed": [{"old": a, "new": b} for a, b in diff.findings_changed]},
        "text": [{"section": t.section, "old": list(t.old), "new": list(t.new)} for t in diff.text],
    }
