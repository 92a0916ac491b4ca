"""Running the rules over params files and reading findings back from executed notebooks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_kit import discovery, identity
from report_kit._notebooks import notebook_json
from report_kit.checks import _parallel
from report_kit.checks._context import Context
from report_kit.checks._core import Finding, run_checks
from report_kit.errors import BuildReadError, ReportKitError
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.registry import load_registry


@dataclass
class FileResult:
    path: Path
    ay: AgencyYear | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the params file itself is invalid


def load_previous(path: str | Path, ay: AgencyYear) -> AgencyYear | None:
    """The same agency's params for ``ay.year - 1`` (``params/<year-1>/<slug>.yaml``), when present.

    Raises ParamsError when that file exists but is invalid or misplaced: a broken previous year must not
    silently switch the cross-year rules off.
    """
    prev_path = discovery.previous_path(path, ay.year, ay.slug)
    return identity.load(prev_path) if prev_path is not None else None


def check_path(path: str | Path) -> list[Finding]:
    """Every rule on one params file, with its previous year when present (raises ParamsError)."""
    ay = identity.load(path)
    return run_checks(ay, load_previous(path, ay))


def _trees(files: list[Path]) -> Iterator[tuple[Path | None, list[Path]]]:
    """Files grouped by the params tree they belong to (None: loose files outside a year folder)."""
    groups: dict[Path | None, list[Path]] = {}
    for f in files:
        root = discovery.params_root(f)
        groups.setdefault(root.resolve() if root is not None else None, []).append(f)
    yield from groups.items()


def check_files(paths: Iterable[Path], contexts: Callable[[Path], Context] | None = None,
                jobs: int | None = None) -> Iterator[FileResult]:
    """Every rule on every params file, with the previous year's params when present beside it; ``contexts`` gives
    the Context of a params file (its registry), when the caller knows one.

    Files of one params tree are checked together, as `build` sees them: place, duplicates and the registry.
    Many files are read and checked in worker processes (``jobs``: how many; default one per core from
    ``_parallel.MIN_FILES`` files on), with the same results in the same order.
    """
    files = discovery.discover(paths)
    workers = _parallel.workers_for(len(files), jobs)
    if workers < 2:
        for item in _plan(files, contexts, None):
            yield item if isinstance(item, FileResult) else FileResult(item[0], item[1], run_checks(*item[1:]))
        return
    with _parallel.Pool(workers) as pool:
        pool.read(files)
        plan = list(_plan(files, contexts, pool))
        checked = pool.run_checks([item[1:] for item in plan if not isinstance(item, FileResult)])
        for item in plan:
            yield item if isinstance(item, FileResult) else FileResult(item[0], item[1], next(checked))


Task = tuple[Path, AgencyYear, AgencyYear | None, Context | None]  # a file to check: path, ay, previous, context


def _plan(files: list[Path], contexts: Callable[[Path], Context] | None,
          pool: _parallel.Pool | None) -> Iterator[FileResult | Task]:
    """In order: the result of each file that cannot be checked, the task of each file that can."""
    load = pool.load if pool is not None else None
    entries: dict[Path, identity.Entry] = {}
    broken_registries: list[FileResult] = []
    for root, group in _trees(files):
        registry, reg_file = None, None
        if root is not None and (reg := discovery.registry_path(root)).is_file():
            reg_file = reg
            try:
                registry = load_registry(reg)
            except ReportKitError as exc:
                broken_registries.append(FileResult(reg, None, error=str(exc)))
        scanned = identity.scan(group, registry, reg_file or discovery.REGISTRY, load)
        entries.update((e.path, e) for e in scanned)
    yield from broken_registries
    by_resolved = {p.resolve(): e for p, e in entries.items()}
    if pool is not None:  # previous years outside the files named: read in the workers too
        pool.read(prev for e in entries.values() if e.error is None and e.ay is not None
                  and (prev := discovery.previous_path(e.path, e.ay.year, e.ay.slug)) is not None
                  and prev.resolve() not in by_resolved)
    for path in files:
        e = entries[path]
        if e.error is not None or e.ay is None:
            yield FileResult(path, None, error=str(e.error))
            continue
        prev_path = discovery.previous_path(path, e.ay.year, e.ay.slug)
        previous = None
        if prev_path is not None:
            prev = by_resolved.get(prev_path.resolve())
            if prev is not None:
                previous = prev.ay if prev.ok else None  # a broken previous year is reported as itself
            else:
                try:
                    previous = identity.load(prev_path) if pool is None else _checked(prev_path, pool.load)
                except ReportKitError as exc:
                    # a broken previous year must not silently switch the cross-year rules off
                    yield FileResult(path, e.ay, error=_("{path}: the previous year's params cannot be used, so "
                                                         "the cross-year rules cannot run:").format(path=path)
                                     + f"\n{exc}")
                    continue
        yield path, e.ay, previous, contexts(path) if contexts else None


def _checked(path: Path, load: Callable[[Path], AgencyYear]) -> AgencyYear:
    """``identity.load(path)`` with ``load`` reading the file."""
    ay = load(path)
    identity.check(path, ay)
    return ay


def recorded_findings(root: Path, skipped: list[str] | None = None) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(notebook, run record) for every executed report.ipynb under ``root``, without re-running.

    A notebook that cannot be read, or whose run record is not the shape report-kit writes, is left out
    and said in ``skipped`` (one line each). Links below ``root`` are not followed.
    """
    for nb_path in sorted(root.rglob("report.ipynb")):
        if any(part.startswith(".") for part in nb_path.relative_to(root).parts):
            continue  # a set being written or put aside (outdir's hidden folders), not a build of record
        try:
            meta = notebook_json(nb_path, follow_links=False).get("metadata", {})
        except BuildReadError as exc:
            if skipped is not None:
                skipped.append(str(exc))
            continue
        record = meta.get("report_kit") if isinstance(meta, dict) else None
        problem = _record_problem(record)
        if problem is None:
            yield nb_path, record  # type: ignore[misc]
        elif skipped is not None and record is not None:
            skipped.append(_("{path}: run record {problem}").format(path=nb_path, problem=problem))


def _record_problem(record: object) -> str | None:
    if not isinstance(record, dict):
        return _("is missing")
    findings = record.get("findings", [])
    if not isinstance(findings, list) or not all(
            isinstance(f, dict) and isinstance(f.get("severity"), str) for f in findings):
        return _("is malformed: findings must be a list of records with a severity")
    return None
