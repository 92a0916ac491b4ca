"""The per-file verdict ``audit`` prints: what a reviewer must fix (errors, with the sentence or cell quoted), what to
look at (warnings), and what could not be verified, then how the document was read."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from report_kit.checks import Finding

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
        ack = f"（已确认：{f.acknowledged}）" if f.acknowledged else ""
        lines.append(f"  {mark} [{f.id}] {f.location}：{f.message}{ack}")
        if (q := _quote(f)) is not None:
            lines.append(f"     原文：“{q}”")
    return lines


def verdict_line(errors: int, warnings: int, unverified: int) -> str:
    if errors:
        head = f"结论：不通过，{errors}个错误须改正" + (f"，另有{warnings}个警告待核对" if warnings else "")
    elif warnings:
        head = f"结论：未发现错误，{warnings}个警告待核对"
    else:
        head = "结论：未发现错误或警告"
    return head + (f"；{unverified}项无法核实（见下）" if unverified else "") + "。"


def verdict_lines(a: Audit, notes: list[str]) -> list[str]:
    """The verdict for one audited file; ``notes`` are the import's own lines (how the document was read)."""
    if a.error or a.imported is None:
        return [f"== {a.path}", f"结论：无法导入：{a.error}"]
    ay = a.imported.ay
    errors = [f for f in a.findings if f.severity == "error"]
    warnings = [f for f in a.findings if f.severity == "warning"]
    unverified = [f for f in a.findings if f.unverified]
    hints = [f for f in a.findings if f.severity == "info" and not f.unverified]
    import_errors = sum(1 for n in a.imported.notes if n.severity == "error")
    out = [f"== {a.path}: {ay.title}（{ay.fmt.notice}格式）"
           + (f"，与上一年度 {a.previous.name} 对照" if a.previous else ""),
           verdict_line(len(errors), len(warnings), len(unverified))]
    if import_errors:
        out.append(f"注意：导入时有{import_errors}处未能读取（相应单元格为空白，见“导入说明”），"
                   "有关规则只核对了读到的内容。")
    if errors:
        out += [f"错误（{len(errors)}）：", *_items(errors, numbered=True)]
    if warnings:
        out += [f"警告（{len(warnings)}）：", *_items(warnings, numbered=True)]
    if unverified:
        out += [f"无法核实（{len(unverified)}）：", *_items(unverified, numbered=False)]
    if hints:
        out.append(f"提示（{len(hints)}）：" + "；".join(f"[{f.id}] {f.message}" for f in hints))
    if notes:
        out += ["导入说明：", *(f"  {line}" for line in notes)]
    return out


__all__ = ["verdict_line", "verdict_lines"]
