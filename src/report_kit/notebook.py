"""Helpers that the template notebook's cells call: each shows one step to a reviewer.

Kept thin on purpose: the logic lives in params, checks, narrative and render; these functions
only display results inside a Jupyter kernel (IPython is imported lazily).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from report_kit import i18n
from report_kit.content import SectionContent
from report_kit.i18n import N_, _
from report_kit.model import AgencyYear
from report_kit.render.grid import format_number

if TYPE_CHECKING:
    import pandas as pd

    from report_kit.checks import Finding

RECORD_MIME = "application/vnd.report-kit+json"

# The templates' headings (review cells): code, not Markdown cells, so that they follow the run's language.
HEADINGS = {
    "intro": N_("# Government information disclosure annual report · report-kit template\n\n"
                "One agency-year per run. Cells tagged `review` (parameters, figures, findings, code) are for "
                "reviewers and are removed from the published `report.html`; the cells at the end display the report "
                "itself, section by section. Run top to bottom as it is to see the bundled seed report; `report-kit "
                "run` executes it with papermill for any params file."),
    "load": N_("## 1. Load and validate the params"),
    "findings": N_("## 2. Findings: read these first"),
    "figures": N_("## 3. The figures this run used"),
    "narrative": N_("## 4. Report text and run record"),
    "publish": N_("## 5. The published report: the cells below are what report.html shows"),
    "region_intro": N_("# Government information disclosure annual reports, region summary · report-kit region "
                       "template\n\n"
                       "One region-year per run: every registered agency under `parent` (all of them when it is None) "
                       "for `year`. Cells tagged `review` are removed from the published `report.html`; the cells at "
                       "the end display the region report itself. `report-kit region --year Y [--parent SLUG]` "
                       "executes it with papermill; run it as it is in JupyterLab to see the bundled params."),
    "region_load": N_("## 1. Load the region, its filings and each agency's checks"),
    "region_problems": N_("## 2. To act on: missing, late, invalid, errors (read these first)"),
    "region_publish": N_("## 3. The published report: the cells below are what report.html shows"),
}


def use_language(lang: str | None) -> str:
    """The run's language (the ``lang`` parameter papermill injects; None: REPORT_KIT_LANG, else Chinese)."""
    return i18n.set_language(lang)


def heading(key: str) -> None:
    """A heading of the template (a key of HEADINGS) in the run's language."""
    from IPython.display import Markdown

    _display(Markdown(_(HEADINGS[key])))


def _display(obj: Any, raw: bool = False) -> None:
    from IPython.display import display

    display(obj, raw=raw)


def _html(markup: str) -> None:
    from IPython.display import HTML

    _display(HTML(markup))


def figures_frames(ay: AgencyYear) -> dict[str, pd.DataFrame]:
    """Tables 二/三/四 as DataFrames with the official labels; blank cells show as （空白）."""
    import pandas as pd

    frames: dict[str, pd.DataFrame] = {}
    for tid, table in ay.fmt.tables.items():
        data: dict[str, dict[str, str]] = {}
        for key, _label in table.figure_rows():
            data[table.row_label(key)] = {
                c.label: (format_number(v) if (v := ay.get(tid, key, c.key)) is not None else "（空白）")
                for c in table.columns_of(key)
            }
        frames[table.title] = pd.DataFrame.from_dict(data, orient="index").fillna("—")
    return frames


def figures_record(ay: AgencyYear) -> dict[str, dict[str, dict[str, str | None]]]:
    """Every figure the run used, by table, row and column key (blank: None), for comparing builds."""
    out: dict[str, dict[str, dict[str, str | None]]] = {}
    for tid in ("二", "三", "四"):
        table = ay.fmt.table(tid)
        out[tid] = {row.key or "": {c.key: (format_number(v) if (v := ay.get(tid, row.key or "", c.key)) is not None
                                             else None) for c in table.columns_of(row.key or "")}
                    for row in table.data_rows()}
    return out


def show_run(ay: AgencyYear, params_path: str, params_sha256: str | None, previous_path: str | None) -> None:
    """What this run is: agency, year, format and the exact inputs (paths and content hash)."""
    import pandas as pd

    info = {
        "机关名称": ay.agency, "简称": ay.short_name or "", "报告年度": ay.year,
        "报告格式": f"{ay.fmt.id}（{ay.fmt.notice}）", "参数文件": params_path,
        "参数文件SHA-256": params_sha256 or "（未提供）", "上一年度参数": previous_path or "（无）",
    }
    _display(pd.DataFrame({"值": info}))


def show_figures(ay: AgencyYear) -> None:
    from IPython.display import Markdown

    for title, frame in figures_frames(ay).items():
        _display(Markdown(f"**{title}**"))
        _display(frame)


def show_findings(findings: Sequence[Finding]) -> None:
    """The findings table a reviewer reads first."""
    from report_kit import checks

    html = getattr(checks, "findings_html", None)
    if html is not None:
        _html(html(findings))
    else:
        _display(checks.findings_frame(findings))


def record(ay: AgencyYear, findings: Sequence[Finding], sections: Sequence[SectionContent],
           params_sha256: str | None) -> None:
    """Emit the machine-readable run record; the pipeline lifts it into the notebook metadata."""
    from report_kit.checks import findings_to_records

    payload = {
        "title": ay.title, "agency": ay.agency, "slug": ay.slug, "year": ay.year, "format": ay.fmt.id,
        "params_sha256": params_sha256, "findings": findings_to_records(findings),
        "sections": [s.key for s in sections], "figures": figures_record(ay),
    }
    counts = {sev: sum(1 for f in findings if f.severity == sev and not f.acknowledged)
              for sev in ("error", "warning", "info")}
    _display({RECORD_MIME: payload,
              "text/plain": _("run record: {error} errors, {warning} warnings, {info} info").format(**counts)},
             raw=True)


def _published(html: str, content: dict[str, Any]) -> None:
    """Show report content: its HTML for report.html and the same content recorded for report.docx."""
    from report_kit.recorded import CONTENT_MIME

    _display({"text/html": html, CONTENT_MIME: content}, raw=True)


def show_title(ay: AgencyYear) -> None:
    from report_kit.recorded import title_record
    from report_kit.render import title_html

    _published(title_html(ay), title_record(ay))


def show_signature(ay: AgencyYear) -> None:
    """The 落款 at the end of the published report: agency and 成文日期."""
    from report_kit.recorded import signature_record
    from report_kit.render import signature_html

    _published(signature_html(ay), signature_record(ay))


def show_section(sections: Sequence[SectionContent], ay: AgencyYear, key: str) -> None:
    """One section of the form, as it appears in the published report."""
    from report_kit.recorded import section_record
    from report_kit.render import section_html

    section = next(s for s in sections if s.key == key)
    _published(section_html(section, ay), section_record(section, ay))
