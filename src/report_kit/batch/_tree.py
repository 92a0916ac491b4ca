"""`report-kit build`: a whole params tree against a whole outputs tree, under the build lock.

1. Finish what killed writers left (stages, an old set a two-step swap had put aside, temporary files).
2. Find every params file (``discovery``) and check who each claims to be (``identity``), all years at once.
3. Build the agencies of ``--year`` (or all) that are not up to date; assess the other years without building.
4. List registered agencies without params as missing, for every year of the params tree.
5. Remove output folders of agency-years whose params file is gone (only sets report-kit wrote, never a link).
6. Write the index and summary.csv over every year under outputs/.

After an interrupt (SIGINT/SIGTERM) step 5 is skipped and the index is written from what the folders hold
(unless the interrupt came before every file was assessed: then the previous index stays, as do the outputs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from report_kit import discovery, export, identity, outdir, stamps
from report_kit.batch._executor import AgencyStatus, BatchResult, missing, run_batch
from report_kit.batch._index import write_index
from report_kit.batch._lock import BuildLock
from report_kit.errors import ReportKitError
from report_kit.i18n import _
from report_kit.outdir import OutputRoot
from report_kit.registry import load_registry


@dataclass
class TreeResult:
    batch: BatchResult
    run: list[AgencyStatus]  # what this build did (its --year), for the console and the index's build record
    index: list[Path] = field(default_factory=list)
    retired: list[Path] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # what could not be tidied or written besides the agencies


def build_tree(params_root: Path, outputs: Path, template: Path, *, year: int | None = None,
               registry_path: Path | None = None, on_done: Callable[[AgencyStatus], None] | None = None,
               explain: Callable[[str], None] | None = None, **options: object) -> TreeResult:
    """Everything `report-kit build` does; ``options`` go to ``run_batch`` (jobs, kernel, timeout, to, …)."""
    paths = discovery.discover([params_root])
    reg = registry_path or discovery.registry_path(params_root)
    registry = load_registry(reg) if reg.is_file() else None
    if not paths and not registry:
        raise ReportKitError(_("no params files under {root}/<year>/*.yaml").format(root=params_root))
    with OutputRoot(outputs) as root, BuildLock(root):
        try:
            for y in root.years():
                outdir.sweep_year(root, y)
            entries = identity.scan(paths, registry, reg)
        except KeyboardInterrupt as stop:  # before anything was planned: nothing written, the last index stays
            chosen = [p for p in paths if year is None or discovery.year_of_folder(p) == year]
            return TreeResult(BatchResult([], getattr(stop, "signum", 2), len(chosen), complete=False), [])
        run: list[AgencyStatus] = []

        def done(s: AgencyStatus) -> None:
            run.append(s)
            if on_done:
                on_done(s)

        result = run_batch(paths, root.path, template, year=year, registry=registry, registry_file=reg,
                           on_done=done, explain=explain, entries=entries, **options)  # type: ignore[arg-type]
        if registry is not None:
            years = {y for p in paths if (y := discovery.year_of_folder(p)) is not None}
            for s in missing(paths, registry, sorted(years | ({year} if year else set()))):
                result.statuses.append(s)
                if year is None or s.year == year:
                    done(s)
        warnings: list[str] = []
        retired: list[Path] = []
        index: list[Path] = []
        try:
            if not result.interrupted:
                retired = retire(root, paths, warnings.append)
            if result.complete:  # an index of part of the tree would drop agencies: keep the last one then
                index = write_index(root, result.statuses, run, warnings.append)
        except KeyboardInterrupt as stop:  # while tidying up: each file is replaced atomically or not at all
            result.interrupted = getattr(stop, "signum", 2)
    return TreeResult(result, run, index, retired, warnings)


def retire(root: OutputRoot, paths: Sequence[Path], on_problem: Callable[[str], None]) -> list[Path]:
    """Remove ``outputs/<year>/<slug>`` folders whose ``params/<year>/<slug>.yaml`` is gone.

    Only folders that hold what report-kit writes (a stamp or a failure record) are removed: anything else an
    office keeps under outputs/ is left alone, and a link is never a folder of ours.
    """
    have = {(discovery.year_of_folder(p), p.stem) for p in paths}
    gone = []
    for y in root.years():
        for slug in root.slugs(y):
            if (y, slug) in have:
                continue
            slot = root.slot(y, slug)
            try:
                if not {stamps.STAMP, export.FAILED} & set(slot.files()):
                    continue
                with slot.lock() as year_fd:
                    slot.retire(year_fd)
            except ReportKitError as exc:
                on_problem(_("{path} was kept although its params file is gone: {error}").format(
                    path=slot.path, error=exc))
                continue
            gone.append(slot.path)
    return gone
