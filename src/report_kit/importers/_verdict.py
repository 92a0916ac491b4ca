"""The per-file verdict ``audit`` prints: what a reviewer must fix (errors, with the sentence or cell quoted), what to
look at (warnings), and what could not be verified, then how the document was read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from report_kit.checks import Finding
from report_kit.i18n import _, ngettext

if TYPE_CHECKING:
    from report_kit.importers._audit import Audit

QUOTE_WIDTH = 120


def _quote(f: Finding) -> str | None:
    """The sentence or cell as written, unless the message already quotes all of it."""
    if not f.quote:
        return None
    q = " ".join(f.quote.split())
    if q in f.message:
        return None
    return q if len(q) <= QUOTE_WIDTH else q[:QUOTE_WIDTH] + "…"


def _items(findings: Iterable[Finding], numbered: bool) -> list[str]:
    lines = []
    for n, f in enumerate(findings, 1):
        mark = f"{n}." if numbered else "-"
        ack = _(" (acknowledged: {reason})").format(reason=f.acknowledged) if f.acknowledged else ""
        lines.append("  " + _("{mark} [{id}] {location}: {message}{acknowledged}").format(
            mark=mark, id=f.id, location=f.location, message=f.message, acknowledged=ack))
        if (q := _quote(f)) is not None:
            lines.append("     " + _("as written: “{quote}”").format(quote=q))
    return lines


def verdict_line(errors: int, warnings: int, unverified: int) -> str:
    if errors:
        head = ngettext("Verdict: fails, {n} error to correct", "Verdict: fails, {n} errors to correct",
                        errors).format(n=errors)
        if warnings:
            head += ngettext(", and {n} warning to check", ", and {n} warnings to check", warnings).format(n=warnings)
    elif warnings:
        head = ngettext("Verdict: no errors found, {n} warning to check",
                        "Verdict: no errors found, {n} warnings to check", warnings).format(n=warnings)
    else:
        head = _("Verdict: no errors or warnings found")
    tail = ngettext("; {n} item could not be verified (see below)", "; {n} items could not be verified (see below)",
                    unverified).format(n=unverified) if unverified else ""
    return _("{verdict}{unverified}.").format(verdict=head, unverified=tail)


def verdict_lines(a: Audit, notes: list[str]) -> list[str]:
    """The verdict for one audited file; ``notes`` are the import's own lines (how the document was read)."""
    if a.error or a.imported is None:
        return [f"== {a.path}", _("Verdict: cannot import: {error}").format(error=a.error)]
    ay = a.imported.ay
    errors = [f for f in a.findings if f.severity == "error"]
    warnings = [f for f in a.findings if f.severity == "warning"]
    unverified = [f for f in a.findings if f.unverified]
    hints = [f for f in a.findings if f.severity == "info" and not f.unverified]
    import_errors = sum(1 for n in a.imported.notes if n.severity == "error")
    compared = _(", compared with the previous year {name}").format(name=a.previous.name) if a.previous else ""
    out = [_("== {path}: {title} ({notice} format)").format(path=a.path, title=ay.title, notice=ay.fmt.notice)
           + compared, verdict_line(len(errors), len(warnings), len(unverified))]
    if import_errors:
        out.append(ngettext(
            "Note: {n} place could not be read on import (its cells are blank, see “Import notes”); the rules "
            "concerned checked only what was read.",
            "Note: {n} places could not be read on import (their cells are blank, see “Import notes”); the rules "
            "concerned checked only what was read.", import_errors).format(n=import_errors))
    if errors:
        out += [_("Errors ({n}):").format(n=len(errors)), *_items(errors, numbered=True)]
    if warnings:
        out += [_("Warnings ({n}):").format(n=len(warnings)), *_items(warnings, numbered=True)]
    if unverified:
        out += [_("Could not be verified ({n}):").format(n=len(unverified)), *_items(unverified, numbered=False)]
    if hints:
        out.append(_("Hints ({n}): ").format(n=len(hints)) + _("; ").join(f"[{f.id}] {f.message}" for f in hints))
    if notes:
        out += [_("Import notes:"), *(f"  {line}" for line in notes)]
    return out


__all__ = ["verdict_line", "verdict_lines"]
