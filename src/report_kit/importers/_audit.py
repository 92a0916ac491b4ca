"""Audit published reports: import each, run every rule, and summarise (text, table, HTML page)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from jinja2 import Environment

from report_kit import i18n
from report_kit.checks import Finding, findings_html, run_checks
from report_kit.checks._context import Registered
from report_kit.deadlines import LocalRule
from report_kit.errors import SourceDocumentError
from report_kit.i18n import N_, _, ngettext
from report_kit.importers import Imported, Note, import_document
from report_kit.importers._facts import context_for
from report_kit.importers._labels import norm


@dataclass(frozen=True)
class Audit:
    path: Path
    imported: Imported | None = None
    findings: tuple[Finding, ...] = ()
    error: str | None = None  # the document could not be imported at all
    previous: Path | None = None  # the earlier report the cross-year rules compared with

    def count(self, severity: str) -> int:
        own = sum(1 for f in self.findings if f.severity == severity)
        return own + sum(1 for n in (self.imported.notes if self.imported else ()) if n.severity == severity)


def audit(paths: Iterable[Path], year: int | None = None, agency: str | None = None,
          registry: Mapping[str, Registered] | None = None, rules: tuple[LocalRule, ...] = (),
          registry_path: Path | None = None) -> list[Audit]:
    """Import every document; reports of the same agency in consecutive years get the cross-year rules.
    ``year`` and ``agency`` stand for what a lost title would say (see ``import_document``). With a
    ``registry`` (slug → entry), a document whose file name is a registered slug is checked against that entry."""
    imported: list[Imported | tuple[Path, str]] = []
    for path in paths:
        try:
            imported.append(import_document(path, year=year, agency=agency))
        except SourceDocumentError as exc:
            imported.append((path, str(exc)))
    by_agency = {(norm(i.ay.agency), i.ay.year): i for i in imported if isinstance(i, Imported)}
    out: list[Audit] = []
    for item in imported:
        if not isinstance(item, Imported):
            out.append(Audit(item[0], error=item[1]))
            continue
        prev = by_agency.get((norm(item.ay.agency), item.ay.year - 1))
        context = context_for(item.path, item.ay.fmt.id, registry, rules, registry_path)
        findings = run_checks(item.ay, prev.ay if prev else None, context)
        out.append(Audit(item.path, item, tuple(findings), previous=prev.path if prev else None))
    return out


# the summary's column headers as shown (the frame keeps the English keys)
COLUMNS = {"file": N_("file"), "agency": N_("agency"), "year": N_("year"), "format": N_("format"),
           "errors": N_("errors"), "warnings": N_("warnings"), "unreadable": N_("unreadable")}
IMPORT = {"error": N_("import error"), "warning": N_("import warning"), "info": N_("import info")}


def summary(audits: Sequence[Audit]) -> pd.DataFrame:
    rows = []
    for a in audits:
        ay = a.imported.ay if a.imported else None
        rows.append({"file": a.path.name, "agency": ay.agency if ay else "", "year": ay.year if ay else None,
                     "format": ay.fmt.id if ay else "", "errors": a.count("error") + bool(a.error),
                     "warnings": a.count("warning"), "unreadable": a.error or ""})
    frame = pd.DataFrame(rows, columns=["file", "agency", "year", "format", "errors", "warnings", "unreadable"])
    return frame.astype({"year": "Int64"})


def _line(n: Note, path: Path) -> str:
    what = _(IMPORT[n.severity])
    return (f"{path}:{n.line or ''}: {what}: {n.where}: {n.message}"
            + (f"  [{n.context[:60]}]" if n.context else ""))


def note_lines(notes: Sequence[Note], path: Path, verbose: bool = False) -> list[str]:
    """What the import could not do, readable: one line per table or block not found (the cells left blank
    counted, not listed), the errors and warnings, and the rest counted; ``verbose``: every note."""
    if verbose:
        return [_line(n, path) for n in notes]
    lines = [_line(n, path) for n in notes if not n.detail and n.severity != "info"]
    lines += [_line(n, path) for n in notes if n.severity == "info" and n.where in ("机关名称", "年度")]
    missing: dict[str, list[Note]] = {}
    for n in notes:
        if n.detail:
            missing.setdefault(n.scope[0] if n.scope else "", []).append(n)
    for table, found in missing.items():
        cells = sum(n.blank for n in found)
        lines.append(ngettext("{path}: import error: 表{table}: {n} row not found in the document, their {cells} "
                              "cells left blank (--verbose lists them)",
                              "{path}: import error: 表{table}: {n} rows not found in the document, their {cells} "
                              "cells left blank (--verbose lists them)", len(found)).format(
                                  path=path, table=table, n=len(found), cells=cells))
    order = _("{said}; placed by the form's row order").format(said="")  # the notes are in the current language
    placed = sum(1 for n in notes if n.severity == "info" and order in n.message)
    if placed:
        lines.append(_("{path}: import info: {n} rows of 表三 placed by the form's row order "
                       "(labels lost in the source; --verbose lists them)").format(path=path, n=placed))
    no_figures = _("row has no figures; its cells are blank as published")
    bare = sum(1 for n in notes if n.severity == "info" and n.message == no_figures)
    if bare:
        lines.append(_("{path}: import info: {n} rows printed without figures: their cells are blank as "
                       "published").format(path=path, n=bare))
    return lines


_PAGE = Environment(autoescape=True).from_string("""<!DOCTYPE html>
<html lang="{{ lang }}"><head><meta charset="utf-8"><title>{{ t.title }}</title>
<style>
body{font-family:"Noto Sans CJK SC","Source Han Sans SC",sans-serif;margin:2em;max-width:72em}
table.sum{border-collapse:collapse}table.sum td,table.sum th{border:1px solid #ccc;padding:3px 8px}
.bad{color:#842029;font-weight:bold}ul.notes li.error{color:#842029}ul.notes li.warning{color:#664d03}
ul.notes li.info{color:#555}
</style></head><body>
<h1>{{ t.heading }}</h1>
<table class="sum"><thead><tr><th>{{ t.file }}</th><th>{{ t.agency }}</th><th>{{ t.year }}</th><th>{{ t.format }}</th>
<th>{{ t.errors }}</th><th>{{ t.warnings }}</th></tr>
</thead>
<tbody>{% for a in audits %}<tr><td><a href="#f{{ loop.index }}">{{ a.path.name }}</a></td>
<td>{{ a.imported.ay.agency if a.imported else '' }}</td><td>{{ a.imported.ay.year if a.imported else '' }}</td>
<td>{{ a.imported.ay.fmt.id if a.imported else '' }}</td>
<td class="{{ 'bad' if a.count('error') or a.error }}">{{ a.count('error') + (1 if a.error else 0) }}</td>
<td>{{ a.count('warning') }}</td></tr>{% endfor %}</tbody></table>
{% for a in audits %}<section id="f{{ loop.index }}"><h2>{{ a.path.name }}</h2>
{% if a.error %}<p class="bad">{{ t.unreadable.format(error=a.error) }}</p>{% else %}
<p>{{ t.read_as.format(title=a.imported.ay.title, notice=a.imported.ay.fmt.notice) }}{% if a.previous %}{{
t.compared.format(name=a.previous.name) }}{% endif %}</p>
{% if a.imported.notes %}<h3>{{ t.notes }}</h3><ul class="notes">{% for n in a.imported.notes %}
<li class="{{ n.severity }}">{{ t.line.format(n=n.line) if n.line }}{{
t.note.format(where=n.where, message=n.message) }}
{% if n.context %}<code>{{ n.context[:120] }}</code>{% endif %}</li>{% endfor %}</ul>{% endif %}
<h3>{{ t.findings }}</h3>{{ findings_html(a.findings) | safe }}{% endif %}</section>{% endfor %}
</body></html>
""")


# the page's own words (the template gets them translated; placeholders are filled in the template, escaped)
PAGE_TEXT = {"title": N_("Annual report audit"),
             "heading": N_("Audit of government information disclosure annual reports"),
             "unreadable": N_("Cannot import: {error}"), "read_as": N_("{title} ({notice} format)"),
             "compared": N_("; compared with {name} (the previous year)"), "notes": N_("Import notes"),
             "line": N_("line {n} "), "note": N_("{where}: {message}"), "findings": N_("Check results")}


def audit_html(audits: Sequence[Audit]) -> str:
    """One page: the summary table, then per file its import notes and its findings (all escaped)."""
    words = {k: _(v) for k, v in {**PAGE_TEXT, **COLUMNS}.items()}
    return _PAGE.render(audits=audits, findings_html=findings_html, t=words,
                        lang="zh-CN" if i18n.language() == "zh_CN" else "en")


__all__ = ["COLUMNS", "Audit", "audit", "audit_html", "note_lines", "summary"]
