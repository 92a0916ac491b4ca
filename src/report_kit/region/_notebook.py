"""What the region template's cells call: each shows one step (IPython imported lazily, as in ``notebook``)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from report_kit.i18n import _
from report_kit.notebook import RECORD_MIME
from report_kit.region import _render as html
from report_kit.region._agencies import AgencyRow
from report_kit.region._charts import outcomes_chart, rates_chart, top_agencies_chart, trend_chart
from report_kit.region._collect import Region
from report_kit.region._narrative import (
    applications_paragraphs,
    blanks_note,
    cases_paragraph,
    filing_paragraph,
    findings_paragraph,
    same_set_note,
)
from report_kit.region._summary import Summary


def _show(markup: str) -> None:
    from IPython.display import HTML, display

    display(HTML(markup))


def parse_day(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


# what the office acts on first: not filed, then late, then reports that must be corrected
RULE_ORDER = ["REGION-INVALID", "REGION-MISSING", "REGION-LATE", "REGION-UNPUBLISHED", "REGION-ERRORS",
              "REGION-NO-DEADLINE", "REGION-UNREGISTERED", "REGION-UNREADABLE"]


def problems(region: Region) -> list[dict[str, Any]]:
    """What the office must act on, as finding records (same fields as an agency's), most serious first."""
    out: list[dict[str, Any]] = []

    def add(rule: str, severity: str, key: str, location: str, message: str, actual: str | None = None) -> None:
        out.append({"id": f"{rule}@{key}", "rule": rule, "severity": severity, "section": "报送", "location": location,
                    "message": message, "expected": None, "actual": actual, "key": key, "acknowledged": None})

    for m in region.members:
        f = m.filing
        due = f.deadline.due.isoformat() if f.deadline.due else "不明"
        if f.state == "invalid":
            first = (m.error or "").splitlines()[0]
            add("REGION-INVALID", "error", m.slug, m.name, f"参数文件无法使用，未计入汇总：{first}")
        elif f.state in ("missing", "unpublished", "late"):
            add(f"REGION-{f.state.upper()}", "warning", m.slug, m.name,
                f"{f.label}；公布期限{due}（{f.deadline.rule}）。",
                f.published.isoformat() if f.published else None)
        elif f.state == "no_deadline":
            add("REGION-NO-DEADLINE", "info", m.slug, m.name, f"公布期限不明：{f.deadline.rule}。")
        errors = m.open_counts["error"]
        if errors:
            add("REGION-ERRORS", "warning", m.slug, m.name, f"该机关报告有{errors}项未确认的错误，发布前应更正。",
                str(errors))
    for slug in region.unregistered:
        add("REGION-UNREGISTERED", "info", slug, slug, "参数文件的目录名未在机构名录中登记，未计入汇总。")
    for i, note in enumerate(region.notes):
        add("REGION-UNREADABLE", "info", str(i), "历年数据", note)
    severity = {"error": 0, "warning": 1, "info": 2}
    return sorted(out, key=lambda f: (severity[f["severity"]], RULE_ORDER.index(f["rule"])))  # stable: member order


def show_inputs(region: Region) -> None:
    import pandas as pd
    from IPython.display import display

    info = {"汇总范围": region.scope, "报告年度": region.year, "统计截至": region.as_of.isoformat(),
            "应报送机关": len(region.members), "已报送（参数可用）": len(region.filed),
            "历年数据": "、".join(f"{y}年{len(a)}个" for y, a in sorted(region.history.items())),
            "输入SHA-256": region.inputs_sha256}
    display(pd.DataFrame({"值": info}))


def show_problems(region: Region) -> None:
    import pandas as pd
    from IPython.display import display

    rows = problems(region)
    display(pd.DataFrame([{"级别": f["severity"], "规则": f["rule"], "机关": f["location"], "说明": f["message"]}
                          for f in rows], columns=["级别", "规则", "机关", "说明"]))


def record(region: Region) -> None:
    """The run record the pipeline lifts into the notebook metadata (review.html reads it)."""
    from IPython.display import display

    found = problems(region)
    payload = {"kind": "region", "title": region.title, "agency": region.scope, "slug": "_region",
               "year": region.year, "format": "region", "parent": region.parent,
               "as_of": region.as_of.isoformat(), "inputs_sha256": region.inputs_sha256, "findings": found,
               "members": [m.slug for m in region.members]}
    counts = {sev: sum(1 for f in found if f["severity"] == sev) for sev in ("error", "warning", "info")}
    display({RECORD_MIME: payload, "text/plain": _("region record: {error} errors, {warning} warnings, {info} "
                                                   "info").format(**counts)}, raw=True)


def show_title(region: Region) -> None:
    _show(html.title_html(region))


def show_filings(s: Summary) -> None:
    _show(html.section_html("一", "报送情况", [filing_paragraph(s)], html.filings_html(s.region)))


def show_applications(s: Summary) -> None:
    body = html.chart_html(outcomes_chart(s)) + html.chart_html(trend_chart(s))
    _show(html.section_html("二", "依申请公开情况", applications_paragraphs(s), body))


def show_cases(s: Summary) -> None:
    _show(html.section_html("三", "行政复议、行政诉讼情况", [cases_paragraph(s)], html.chart_html(rates_chart(s))))


def show_checks(s: Summary) -> None:
    _show(html.section_html("四", "报告检查情况", [findings_paragraph(s)]))


def show_sums(s: Summary) -> None:
    _show(html.section_html("五", "汇总表", [same_set_note(s), blanks_note()], html.sums_html(s)))


def show_agencies(s: Summary, rows: Sequence[AgencyRow]) -> None:
    labels = [label for label, _ in s.outcomes]
    body = html.chart_html(top_agencies_chart(rows, s.region.year)) + html.agencies_html(rows, labels)
    _show(html.section_html("六", "各机关情况", [], body))

