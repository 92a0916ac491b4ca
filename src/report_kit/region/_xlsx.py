"""region.xlsx for the superior office: the region's tables cell by cell, the agencies, the filings.

Figures are numbers (not text) so they can be added up again; a sum that was refused or is all blank is an
empty cell with the reason beside it, never 0.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from report_kit.region._agencies import AgencyRow
from report_kit.region._narrative import chinese_date
from report_kit.region._summary import Summary


def _num(v: Any) -> Any:
    return None if v is None else v


def _fit(ws: Any, widths: Sequence[int]) -> None:
    from openpyxl.utils import get_column_letter

    for i, w in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(i)].width = w


def workbook_bytes(s: Summary, rows: Sequence[AgencyRow]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    r = s.region
    bold = Font(bold=True)
    wb = Workbook()
    info = wb.active
    info.title = "说明"
    for line in (r.title, f"汇总范围：{r.scope}（{len(r.members)}个应报送机关）", f"统计截至：{chinese_date(r.as_of)}",
                 "“空白数”为未填写该项的机关数，合计只含已填写的数字；合计为空的单元格见“说明”列。",
                 "同口径：两年均报送的机关（" + str(len(s.same_set)) + "个）。"):
        info.append([line])
    info["A1"].font = Font(bold=True, size=14)
    _fit(info, [90])

    sums = wb.create_sheet("汇总表")
    head = ["表", "项目", "本年合计", "填报机关数", "空白数", "不适用机关数", "说明", "本年（同口径）",
            "上年（同口径）", "增减", "增减说明"]
    sums.append(head)
    for (tid, row, col), c in s.compared.items():
        label = s.fmt.table(tid).cell_label(row, col)
        sums.append([f"表{tid}", label, _num(c.now.value), c.now.addends, c.now.blanks, c.now.absent, c.now.note,
                     _num(c.same_now.value) if s.same_set else None,
                     _num(c.same_before.value) if c.same_before else None, _num(c.change), c.why])
    _fit(sums, [6, 70, 12, 10, 8, 12, 14, 14, 14, 10, 18])

    agencies = wb.create_sheet("各机关")
    labels = [label for label, _ in s.outcomes]
    agencies.append(["目录名", "机关", "新收申请", "办结", *(f"{x}占比%" for x in labels), "行政复议", "复议纠正率%",
                     "行政诉讼", "诉讼纠正率%", "错误", "警告", "提示", "报送状态", "发布日期"])
    for a in rows:
        shares = [_num(v) for _, v in a.outcomes] or [None] * len(labels)
        agencies.append([a.slug, a.name, _num(a.new), _num(a.handled), *shares,
                         _num(a.review.total) if a.review else None, _num(a.review.rate) if a.review else None,
                         _num(a.litigation.total) if a.litigation else None,
                         _num(a.litigation.rate) if a.litigation else None,
                         a.errors, a.warnings, a.infos, a.state, a.published])
    _fit(agencies, [22, 30, 10, 8, *([10] * len(labels)), 9, 11, 9, 11, 6, 6, 6, 18, 12])

    filings = wb.create_sheet("报送情况")
    filings.append(["目录名", "机关", "公布期限", "期限依据", "发布日期", "状态"])
    for m in r.members:
        filings.append([m.slug, m.name, m.filing.deadline.due, m.filing.deadline.rule, m.filing.published,
                        m.filing.label])
    _fit(filings, [22, 30, 12, 60, 12, 20])

    for ws in (sums, agencies, filings):
        for cell in ws[1]:
            cell.font = bold
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.freeze_panes = "C2"
        for col in ws.iter_cols(min_row=2):
            for cell in col:
                if cell.is_date:
                    cell.number_format = "yyyy-mm-dd"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
