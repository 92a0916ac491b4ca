"""Run one agency-year: params → papermill (template notebook) → one output set in ``outputs/<year>/<slug>/``.

Before any kernel starts, the params are validated and their identity checked (place, other files of the tree
claiming the same agency-year, the registry's name), last year's params loaded, and the inputs digested
(``stamps``). After execution every file of the set is made in memory from the executed notebook
(``export.render``) and written as a unit with its stamp (``outdir.Slot.replace``). A failed run keeps its
partly executed notebook as ``failed.ipynb`` beside the previous set, which stays untouched.
"""

from __future__ import annotations

import json
import logging
import math
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_kit import discovery, export, i18n, identity, kernels, stamps
from report_kit.errors import NotebookExecutionError, PipelineError, ReportKitError
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.notebook import RECORD_MIME
from report_kit.outdir import OutputRoot, Slot
from report_kit.registry import Agency, load_registry

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

PACKAGE_ROOT = Path(__file__).resolve().parent
REPO_TEMPLATE = PACKAGE_ROOT.parent.parent / "notebooks" / "annual_report.ipynb"
REVIEW_TAG = "review"
FAILURE_KEY = "report_kit_failure"  # failed.ipynb's metadata: why and where it failed, for the index


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
    published: dict[str, Path] = field(default_factory=dict)  # review.html, and report.docx/.pdf in the set


@dataclass(frozen=True)
class Plan:
    """Everything decided before a kernel starts: who, where, which files, and the inputs' stamp."""

    params: Path
    ay: AgencyYear
    previous: Path | None
    slot: Slot
    template: Path
    kernel: str | None
    formats: tuple[str, ...]
    inputs: stamps.Inputs
    held: Mapping[str, int]  # the files the folder holds now

    @property
    def parameters(self) -> dict[str, Any]:
        """What papermill injects: the params file, its content hash, the previous year's file, the language of
        the headings (also a part of the stamp, so a switch rebuilds)."""
        return {"params_path": str(self.params.resolve()), "params_sha256": self.inputs.parts["params"],
                "previous_path": str(self.previous.resolve()) if self.previous else None,
                "lang": i18n.language()}

    def up_to_date(self) -> bool:
        """The folder holds a complete set stamped with exactly these inputs."""
        return not self.stale_reasons()

    def stale_reasons(self) -> list[str]:
        """Why the folder's set is not what these inputs give (empty: up to date)."""
        data = self.slot.read(stamps.STAMP) if stamps.STAMP in self.held else None
        old = stamps.Inputs.from_bytes(data) if data is not None else None
        if old is None:
            return [_("no earlier build") if not self.held else _("no complete earlier build")]
        reasons = []
        changed = stamps.changed(old, self.inputs)
        if changed:
            reasons.append(stamps.describe(changed))
        missing = [n for n in expected_files(self.formats) if n not in self.held]
        if missing:
            reasons.append(_("{files} missing").format(files=", ".join(missing)))
        if export.FAILED in self.held:
            reasons.append(_("the last build failed (failed.ipynb)"))
        return reasons


def expected_files(formats: Sequence[str]) -> list[str]:
    return [w.filename for w in export.WRITERS.values() if not w.optional or w.name in formats] + [stamps.STAMP]


def output_dir(outputs: Path, ay: AgencyYear) -> Path:
    """``outputs/<year>/<slug>``, refusing a slug or a link below ``outputs`` that could lead outside it.

    (Writing goes through ``outdir``, which checks the same again on every descriptor it opens.)
    """
    return OutputRoot.path_of(outputs, ay.year, ay.slug)


def make_plan(params_path: Path, root: OutputRoot, template: Path, kernel: str | None = None,
              to: Sequence[str] = (), drop: Sequence[str] = (), registry: Mapping[str, Agency] | None = None,
              ay: AgencyYear | None = None) -> Plan:
    """Load (unless ``ay`` is given, already checked), load last year, look at the folder, digest the inputs."""
    if ay is None:
        ay = load_checked(params_path)
    previous = discovery.previous_path(params_path, ay.year, ay.slug)
    if previous is not None:
        identity.load(previous)  # a broken or misplaced previous year fails here, before any kernel starts
    slot = root.slot(ay.year, ay.slug)
    held = slot.files()
    formats = export.set_formats(export.formats_held(held), to, drop)
    agency = registry.get(ay.slug) if registry is not None else _registry_entry(params_path, ay)
    inputs = stamps.inputs_for(params_path, previous, agency, template, formats, kernel)
    return Plan(params_path, ay, previous, slot, template, kernel, formats, inputs, held)


def _registry_entry(params_path: Path, ay: AgencyYear) -> Agency | None:
    reg = discovery.registry_for(params_path)
    return load_registry(reg).get(ay.slug) if reg is not None else None


def load_checked(params_path: Path) -> AgencyYear:
    """One file as `build` would see it: valid, in its place, alone in claiming its agency-year, named as registered."""
    reg = discovery.registry_for(params_path)
    registry = load_registry(reg) if reg is not None else None
    entries = identity.scan(identity.siblings(params_path), registry, reg or discovery.REGISTRY)
    me = next(e for e in entries if e.path.resolve() == params_path.resolve())
    if me.error is not None:
        raise me.error
    assert me.ay is not None
    return me.ay


def parameters_for(params_path: Path, ay: AgencyYear) -> dict[str, Any]:
    """What papermill injects: the params file, its content hash, the previous year's file."""
    previous = discovery.previous_path(params_path, ay.year, ay.slug)
    if previous is not None:
        identity.load(previous)  # a broken previous year fails here, before any kernel starts
    return {
        "params_path": str(params_path.resolve()),
        "params_sha256": stamps.sha256(params_path.read_bytes()),
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


html_exporter = export._report.html_exporter
export_html = export.report_html


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
    raise PipelineError(_("the template notebook did not emit its run record (report_kit.notebook.record)"))


def _execution_error(exc: Exception, params_path: Path) -> NotebookExecutionError:
    cell = getattr(exc, "exec_count", None)
    ename, evalue = getattr(exc, "ename", type(exc).__name__), getattr(exc, "evalue", str(exc))
    where = _("cell In [{cell}]").format(cell=cell) if cell else _("a cell")
    err = NotebookExecutionError(_("{path}: the template notebook failed at {where}: {error}: {detail}").format(
        path=params_path, where=where, error=ename, detail=evalue))
    err.cell = cell
    return err


# papermill hands nbclient its logger, which Python's last-resort handler prints to stderr: nbclient's English lines
# ("Kernel died while waiting for execute reply.") say what the PipelineError then says in the user's language.
# A NullHandler keeps them off the terminal; a maintainer who configures logging still gets them.
logging.getLogger("papermill").addHandler(logging.NullHandler())

# The notebook papermill is executing, kept per thread so a failed run can still save what it ran (failed.ipynb).
_running = threading.local()


def _capturing_engine(base_name: str | None) -> str:
    """A papermill engine that behaves as ``base_name`` and remembers the notebook it executes."""
    from papermill.engines import papermill_engines

    name = f"rk-capture-{base_name or 'default'}"
    if name not in papermill_engines._engines:
        base = papermill_engines.get_engine(base_name)

        class Capturing(base):  # type: ignore[misc, valid-type]
            @classmethod
            def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, **kwargs: Any) -> Any:
                _running.nb_man = nb_man
                return super().execute_managed_notebook(nb_man, kernel_name, **kwargs)

        papermill_engines.register(name, Capturing)
    return name


def partial_notebook() -> nbformat.NotebookNode | None:
    """The notebook this thread last executed, as far as it ran."""
    man = getattr(_running, "nb_man", None)
    return man.nb if man is not None else None


def execute(template: Path, parameters: dict[str, Any], kernel_name: str | None = None,
            timeout: float | None = None, kernel_start: str | None = None, **engine: Any) -> nbformat.NotebookNode:
    """Papermill run of ``template`` in a new kernel (``kernel_start``: "fork", "spawn", None for the default);
    ``engine``: further papermill engine arguments."""
    import papermill
    from jupyter_client.kernelspec import NoSuchKernel
    from papermill.exceptions import PapermillExecutionError

    _register_translator()
    _running.nb_man = None
    engine["engine_name"] = _capturing_engine(engine.get("engine_name"))
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
    except NoSuchKernel as exc:  # --kernel with a name Jupyter does not know: one line, not a traceback
        raise PipelineError(_("{path}: no Jupyter kernel named {name}; `jupyter kernelspec list` shows the installed "
                              "ones").format(path=parameters.get("params_path") or template, name=repr(exc.name))
                            ) from None
    except (RuntimeError, TimeoutError, OSError) as exc:
        raise PipelineError(_("{path}: notebook execution failed: {error}{death}").format(
            path=parameters.get("params_path") or template, error=_stopped_because(exc, timeout),
            death=kernels.death_note())) from None


def _stopped_because(exc: BaseException, timeout: float | None) -> str:
    """Why execution stopped, in the user's language for the cases report-kit knows (a dead kernel, a cell over
    --timeout); anything else is the library's own text."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    if isinstance(exc, DeadKernelError):
        return _("Kernel died")
    if isinstance(exc, CellTimeoutError) and timeout is not None:
        return _("a cell timed out after {seconds:g} s (--timeout)").format(seconds=timeout)
    text = str(exc)  # jupyter_client's start-up failures are plain RuntimeErrors, told apart by their text
    if text.startswith("Kernel didn't respond in"):
        return _("the kernel did not start in time")
    if text.startswith("Kernel died before replying to kernel_info"):
        return _("the kernel died while starting")
    return text


def run(params_path: str | Path, outputs: str | Path = "outputs", template: Path | None = None,
        kernel_name: str | None = None, timeout: float | None = 600, to: Sequence[str] = (),
        drop: Sequence[str] = (), kernel_start: str | None = None) -> RunResult:
    """Build one agency-year's output set (report.ipynb/.html, review.html, the formats of the folder + ``to``)."""
    params_path = Path(params_path)
    ay = load_checked(params_path)
    with OutputRoot(outputs) as root:
        plan = make_plan(params_path, root, (template or default_template()).resolve(), kernel_name, to, drop,
                         ay=ay)
        return build(plan, timeout, kernel_start)


def build(plan: Plan, timeout: float | None = 600, kernel_start: str | None = None) -> RunResult:
    """Execute the plan's notebook and write its set; on failure keep failed.ipynb and the previous set."""
    if timeout is not None and not (math.isfinite(timeout) and timeout > 0):
        raise PipelineError(_("timeout must be a positive number of seconds, got {value}").format(value=repr(timeout)))
    plan.slot.check_writable()  # a read-only folder fails here, not after a kernel has run
    try:
        nb = execute(plan.template, plan.parameters, plan.kernel, timeout, kernel_start)
        files = render(nb, plan.formats)
    except ReportKitError as exc:
        keep_failure(plan, exc)
        raise
    files[stamps.STAMP] = plan.inputs.to_bytes()  # a stamp only ever beside the complete set it describes
    with plan.slot.lock() as year_fd:
        plan.slot.replace(year_fd, files)
    record = nb.metadata.get("report_kit", {})
    folder = plan.slot.path
    published = {w.name: folder / w.filename for w in export.WRITERS.values()
                 if w.filename in files and w.name not in ("ipynb", "html")}
    return RunResult(plan.params, folder / "report.ipynb", folder / "report.html", record.get("title", plan.ay.title),
                     record.get("findings", []), published)


def render(nb: nbformat.NotebookNode, formats: Sequence[str]) -> dict[str, bytes]:
    """The set's files from the executed notebook (the run record lifted into its metadata first)."""
    lift_record(nb)
    return export.render(nb, formats)


def keep_failure(plan: Plan, exc: ReportKitError) -> None:
    """Save what a failed run executed as failed.ipynb beside the untouched previous set (no notebook: nothing)."""
    nb = partial_notebook()
    if nb is None:
        return
    import nbformat

    if getattr(exc, "cell", None) is None:  # a timeout or a dead kernel names no cell: the last one started
        exc.cell = _last_started_cell(nb)  # type: ignore[attr-defined]
    nb.metadata[FAILURE_KEY] = {"reason": str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                               "cell": getattr(exc, "cell", None), "inputs": plan.inputs.digest}
    try:
        data = nbformat.writes(nb).encode("utf-8")
        with plan.slot.lock() as year_fd:
            plan.slot.add(year_fd, {export.FAILED: data})
    except (ReportKitError, ValueError) as keep_exc:  # the failure itself is what the caller reports
        print(_("warning: {path} not written: {error}").format(path=plan.slot.path / export.FAILED, error=keep_exc),
              file=sys.stderr)


def _last_started_cell(nb: nbformat.NotebookNode) -> int | None:
    """The execution count of the last code cell papermill started (the one running when the run stopped)."""
    started = [c for c in nb.cells if c.cell_type == "code" and c.metadata.get("papermill", {}).get("start_time")]
    return started[-1].get("execution_count") if started else None

