"""Run one agency-year: params → papermill (template notebook) → report.ipynb + report.html.

Params are validated before any kernel starts. Outputs are written to temporary files and
renamed, so a failed run never replaces a good report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_kit import i18n, kernels, publish
from report_kit import params as params_io
from report_kit.errors import NotebookExecutionError, OutputPathError, PipelineError
from report_kit.files import atomic_write_text
from report_kit.model import AgencyYear
from report_kit.notebook import RECORD_MIME

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_TEMPLATE = PACKAGE_ROOT.parent.parent / "notebooks" / "annual_report.ipynb"
REVIEW_TAG = "review"


def default_template() -> Path:
    """The template notebook: ./notebooks in the working tree, else the one beside the sources."""
    local = Path("notebooks") / "annual_report.ipynb"
    return local if local.is_file() else REPO_TEMPLATE


@dataclass(frozen=True)
class RunResult:
    params: Path
    notebook: Path
    html: Path
    title: str
    findings: list[dict[str, Any]]
    published: dict[str, Path] = field(default_factory=dict)  # review.html, and report.docx/.pdf on request


def output_dir(outputs: Path, ay: AgencyYear) -> Path:
    """``outputs/<year>/<slug>``, refusing anything that would resolve outside ``outputs``."""
    root = outputs.resolve()
    target = (root / str(ay.year) / ay.slug).resolve()
    if root not in target.parents:
        raise OutputPathError(f"output folder {target} for slug {ay.slug!r} is outside {root}")
    return target


def parameters_for(params_path: Path, ay: AgencyYear) -> dict[str, Any]:
    """What papermill injects: the params file, its content hash, the previous year's file."""
    previous = params_io.previous_year_path(params_path, ay)
    if previous is not None:
        params_io.load(previous)  # a broken previous year fails here, before any kernel starts
    return {
        "params_path": str(params_path.resolve()),
        "params_sha256": params_io.content_hash(params_path),
        "previous_path": str(previous.resolve()) if previous else None,
        "lang": i18n.language(),  # the notebook's headings follow the run's language
    }


def _register_translator() -> None:
    """Papermill's Python translator escapes non-ASCII as \\uXXXX; write readable literals instead."""
    from papermill.translators import PythonTranslator, papermill_translators

    class ReadablePythonTranslator(PythonTranslator):
        @classmethod
        def translate_str(cls, val: str) -> str:
            return repr(val)

    papermill_translators.register("python", ReadablePythonTranslator)


@cache
def html_exporter() -> Any:
    """One configured exporter per process: template compilation happens once."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    from report_kit.render import TEMPLATE_DIR, TEMPLATE_NAME

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {REVIEW_TAG}
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def export_html(nb: nbformat.NotebookNode) -> str:
    body, _ = html_exporter().from_notebook_node(nb)
    return body


def lift_record(nb: nbformat.NotebookNode) -> dict[str, Any]:
    """Move the run record the notebook displayed into ``nb.metadata.report_kit``."""
    for cell in nb.cells:
        for out in cell.get("outputs", ()):
            data = out.get("data", {})
            if RECORD_MIME in data:
                record = data[RECORD_MIME]
                if isinstance(record, str):
                    record = json.loads(record)
                nb.metadata["report_kit"] = record
                return record
    raise PipelineError("the template notebook did not emit its run record (report_kit.notebook.record)")


def _execution_error(exc: Exception, params_path: Path) -> NotebookExecutionError:
    cell = getattr(exc, "exec_count", None)
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    where = f"cell In [{cell}]" if cell else "a cell"
    return NotebookExecutionError(f"{params_path}: the template notebook failed at {where}: {ename}: {evalue}")


def execute(template: Path, parameters: dict[str, Any], kernel_name: str | None = None,
            timeout: float | None = None, kernel_start: str | None = None, **engine: Any) -> nbformat.NotebookNode:
    """Papermill run of ``template`` in a new kernel (``kernel_start``: "fork", "spawn", None for the default);
    ``engine``: further papermill engine arguments."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    _register_translator()
    try:
        return papermill.execute_notebook(
            str(template), None, parameters=parameters, kernel_name=kernel_name,
            progress_bar=False, log_output=False, request_save_on_cell_execute=False,
            execution_timeout=timeout, cwd=str(template.parent),
            # every output is in hand when the last cell ends: a graceful shutdown would only wait (~0.35 s)
            shutdown_kernel="immediate",
            **{"kernel_manager_class": kernels.manager_for(template, timeout, kernel_start), **engine},
        )
    except PapermillExecutionError as exc:
        raise _execution_error(exc, Path(parameters.get("params_path") or template)) from None
    except (RuntimeError, TimeoutError, OSError) as exc:
        raise PipelineError(f"{parameters.get('params_path') or template}: notebook execution failed: {exc}"
                            f"{kernels.death_note()}") from None


def run(params_path: str | Path, outputs: str | Path = "outputs", template: Path | None = None,
        kernel_name: str | None = None, timeout: float | None = 600, to: Sequence[str] = (),
        kernel_start: str | None = None) -> RunResult:
    """Build one agency-year's executed notebook, publishable HTML and review.html (+ ``to``: docx, pdf)."""
    params_path = Path(params_path)
    ay = params_io.load(params_path)
    target = output_dir(Path(outputs), ay)
    parameters = parameters_for(params_path, ay)
    nb = execute(template or default_template(), parameters, kernel_name, timeout, kernel_start)
    return finish(params_path, ay, target, parameters, nb, to)


def finish(params_path: Path, ay: AgencyYear, target: Path, parameters: dict[str, Any], nb: nbformat.NotebookNode,
           to: Sequence[str] = ()) -> RunResult:
    """Everything after execution (run record, report.html, atomic writes, review/docx/pdf), whichever kernel ran."""
    record = lift_record(nb)
    html = export_html(nb)
    target.mkdir(parents=True, exist_ok=True)
    nb_path, html_path = target / "report.ipynb", target / "report.html"
    import nbformat

    atomic_write_text(nb_path, nbformat.writes(nb))
    atomic_write_text(html_path, html)
    previous = params_io.load(parameters["previous_path"]) if parameters["previous_path"] else None
    published = publish.write_outputs(target, nb, ay, html_path, to, previous)
    return RunResult(params_path, nb_path, html_path, record.get("title", ay.title), record.get("findings", []),
                     published)


def discover(params_root: str | Path) -> list[Path]:
    """Every agency-year params file under ``params/<year>/``, in a stable order."""
    root = Path(params_root)
    return sorted(p for p in root.glob("*/*.yaml") if p.parent.name.isdigit())
