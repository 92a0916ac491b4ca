"""``report-kit region``: execute notebooks/region_summary.ipynb through the pipeline, write outputs/<year>/_region.

The region's inputs are read and checked here first (a bad ``--parent`` or registry fails before any kernel
starts) and their digest is handed to the notebook, which refuses inputs that changed in between: so
report.html, region.xlsx and report.docx, made on either side, describe the same files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from report_kit import export, i18n, pipeline
from report_kit.errors import OutputPathError, PipelineError
from report_kit.files import atomic_write_bytes, atomic_write_text
from report_kit.i18n import _
from report_kit.region._agencies import agency_rows
from report_kit.region._charts import charts
from report_kit.region._collect import Region, collect
from report_kit.region._summary import summarize

REPO_TEMPLATE = pipeline.PACKAGE_ROOT.parent.parent / "notebooks" / "region_summary.ipynb"
FOLDER = "_region"  # not a valid agency slug, so it never collides with one


def default_template() -> Path:
    local = Path("notebooks") / "region_summary.ipynb"
    return local if local.is_file() else REPO_TEMPLATE


def output_dir(outputs: Path, year: int, parent: str | None) -> Path:
    """``outputs/<year>/_region`` (``/_region/<parent>`` for a subtree), never outside ``outputs``."""
    root = outputs.resolve()
    target = root / str(year) / FOLDER
    if parent:
        if "/" in parent or "\\" in parent or parent in (".", "..") or "\0" in parent:
            raise OutputPathError(_("--parent {parent!r} cannot name a folder").format(parent=parent))
        target = target / parent
    target = target.resolve()
    if root not in target.parents:
        raise OutputPathError(_("region output folder {path} is outside {root}").format(path=target, root=root))
    return target


@dataclass(frozen=True)
class RegionResult:
    region: Region
    folder: Path
    html: Path
    notebook: Path
    written: dict[str, Path] = field(default_factory=dict)
    findings: list[dict[str, Any]] = field(default_factory=list)


def parameters_for(region: Region, params_root: Path, registry: Path | None) -> dict[str, Any]:
    return {"params_root": str(params_root.resolve()), "year": region.year, "parent": region.parent,
            "as_of": region.as_of.isoformat(), "registry": str(registry.resolve()) if registry else None,
            "inputs_sha256": region.inputs_sha256, "lang": i18n.language()}


def run(params_root: str | Path, year: int, parent: str | None = None, outputs: str | Path = "outputs",
        registry: str | Path | None = None, to: Sequence[str] = (), as_of: date | None = None,
        template: Path | None = None, kernel_name: str | None = None, timeout: float | None = 600) -> RegionResult:
    """Build the region report of ``year`` (of ``parent``'s subtree) into ``outputs/<year>/_region``."""
    params_root = Path(params_root)
    reg = Path(registry) if registry else None
    region = collect(params_root, year, parent, reg, today=as_of)
    target = output_dir(Path(outputs), year, parent)
    nb = pipeline.execute(template or default_template(), parameters_for(region, params_root, reg), kernel_name,
                          timeout)
    record = pipeline.lift_record(nb)
    if record.get("inputs_sha256") != region.inputs_sha256:
        raise PipelineError(_("{path}: the region notebook read other inputs than were checked; run it again").format(
            path=params_root))
    html = pipeline.export_html(nb)
    import nbformat

    target.mkdir(parents=True, exist_ok=True)
    nb_path, html_path = target / "report.ipynb", target / "report.html"
    atomic_write_text(nb_path, nbformat.writes(nb))
    atomic_write_text(html_path, html)
    summary, rows = summarize(region), agency_rows(region)
    written: dict[str, Path] = {}
    links = (*((f"report.{f}", f"report.{f}") for f in to), ("region.xlsx", "region.xlsx"))
    written["review"] = target / export.REVIEW
    atomic_write_text(written["review"], export.review_html(nb, links))
    from report_kit.region._xlsx import workbook_bytes

    written["xlsx"] = target / "region.xlsx"
    atomic_write_bytes(written["xlsx"], workbook_bytes(summary, rows))
    if "docx" in to:
        from report_kit.region._docx import docx_bytes

        written["docx"] = target / "report.docx"
        atomic_write_bytes(written["docx"], docx_bytes(summary, rows, {c.key: c for c in charts(summary, rows)}))
    if "pdf" in to:
        written["pdf"] = target / "report.pdf"
        atomic_write_bytes(written["pdf"], export.print_to_pdf(html_path))
    return RegionResult(region, target, html_path, nb_path, written, list(record.get("findings", [])))
