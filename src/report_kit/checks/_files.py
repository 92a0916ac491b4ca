"""Running the rules over params files and reading findings back from executed notebooks."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from report_kit import params as params_io
from report_kit._notebooks import notebook_json
from report_kit.checks._context import Context
from report_kit.checks._core import Finding, run_checks
from report_kit.errors import BuildReadError, ParamsError, ReportKitError
from report_kit.model import AgencyYear


@dataclass
class FileResult:
    path: Path
    ay: AgencyYear | None
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None  # the params file itself is invalid


def params_files(paths: Iterable[Path]) -> list[Path]:
    """Params files named directly or found under folders (the agency registry is skipped)."""
    out: list[Path] = []
    for p in paths:
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*.yaml") if q.name != "agencies.yaml"))
        else:
            out.append(p)
    return out


def load_previous(path: str | Path, ay: AgencyYear) -> AgencyYear | None:
    """The same agency's params for ``ay.year - 1`` (``params/<year-1>/<slug>.yaml``), when present.

    Raises ParamsError when that file exists but is invalid: a broken previous year must not
    silently switch the cross-year rules off.
    """
    prev_path = params_io.previous_year_path(path, ay)
    return params_io.load(prev_path) if prev_path is not None else None


def check_path(path: str | Path) -> list[Finding]:
    """Every rule on one params file, with its previous year when present (raises ParamsError)."""
    ay = params_io.load(path)
    return run_checks(ay, load_previous(path, ay))


def check_files(paths: Iterable[Path], contexts: Callable[[Path], Context] | None = None) -> Iterator[FileResult]:
    """Every rule on every params file, with the previous year's params when present beside it; ``contexts`` gives
    the Context of a params file (its registry), when the caller knows one."""
    cache: dict[Path, AgencyYear | ParamsError] = {}

    def load(path: Path) -> AgencyYear:
        key = path.resolve()
        if key not in cache:
            try:
                cache[key] = params_io.load(path)
            except ParamsError as exc:
                cache[key] = exc
        got = cache[key]
        if isinstance(got, ParamsError):
            raise got
        return got

    files = params_files(paths)
    checked = {p.resolve() for p in files}
    for path in files:
        try:
            ay = load(path)
        except ReportKitError as exc:
            yield FileResult(path, None, error=str(exc))
            continue
        prev_path = params_io.previous_year_path(path, ay)
        previous = None
        if prev_path is not None:
            try:
                previous = load(prev_path)
            except ReportKitError as exc:
                if prev_path.resolve() not in checked:  # else reported when that file itself is checked
                    # a broken previous year must not silently switch the cross-year rules off
                    yield FileResult(path, ay, error=f"{path}: the previous year's params cannot be used, so the "
                                                     f"cross-year rules cannot run:\n{exc}")
                    continue
        yield FileResult(path, ay, run_checks(ay, previous, contexts(path) if contexts else None))


def recorded_findings(root: Path, skipped: list[str] | None = None) -> Iterator[tuple[Path, dict[str, Any]]]:
    """(notebook, run record) for every executed report.ipynb under ``root``, without re-running.

    A notebook that cannot be read, or whose run record is not the shape report-kit writes, is left out
    and said in ``skipped`` (one line each). Links below ``root`` are not followed.
    """
    for nb_path in sorted(root.rglob("report.ipynb")):
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
            skipped.append(f"{nb_path}: run record {problem}")


def _record_problem(record: object) -> str | None:
    if not isinstance(record, dict):
        return "missing"
    findings = record.get("findings", [])
    if not isinstance(findings, list) or not all(
            isinstance(f, dict) and isinstance(f.get("severity"), str) for f in findings):
        return "malformed: findings must be a list of records with a severity"
    return None
