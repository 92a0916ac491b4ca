"""Run many agency-years on local worker processes; one failure never stops the batch.

Each agency gets its own fresh kernel process (papermill; forked from the worker's fork parent where
available, see ``report_kit.kernels``), so isolation between agencies is real. A worker that dies takes
only its own agency down: the pool is rebuilt and the rest carry on.
"""

from __future__ import annotations

import os
import select
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from report_kit import params as params_io
from report_kit import pipeline
from report_kit.batch._inputs import STAMP, inputs_hash, up_to_date
from report_kit.batch._registry import Agency
from report_kit.errors import ReportKitError
from report_kit.files import atomic_write_text, remove_stale_temps


@dataclass
class AgencyStatus:
    params: Path | None
    year: int | None
    slug: str
    name: str
    status: str  # built / skipped / failed / missing
    reason: str = ""
    seconds: float = 0.0
    findings: list[dict[str, Any]] = field(default_factory=list)
    outputs: Path | None = None


@dataclass
class BatchResult:
    statuses: list[AgencyStatus]

    def count(self, status: str) -> int:
        return sum(1 for s in self.statuses if s.status == status)


@dataclass(frozen=True)
class _Job:
    params: Path
    outputs: Path
    template: Path
    kernel: str | None
    timeout: float
    to: tuple[str, ...]
    force: bool
    kernel_start: str | None = None  # "fork" / "spawn" (report_kit.kernels); None: the platform's default


def _skip(job: _Job) -> AgencyStatus | None:
    """In the parent, before any worker starts: a status when there is nothing to build."""
    try:
        ay = params_io.load(job.params)
    except ReportKitError as exc:
        return AgencyStatus(job.params, _year_of(job.params), job.params.stem, "", "failed", str(exc))
    try:
        target = pipeline.output_dir(job.outputs, ay)
        digest = inputs_hash(job.params, params_io.previous_year_path(job.params, ay), job.template, job.to)
    except ReportKitError as exc:
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "failed", str(exc))
    remove_stale_temps(target)  # left by a killed build; no worker writes here yet
    if not job.force and up_to_date(target, digest, job.to):
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "skipped", "up to date",
                            outputs=target, findings=_recorded(target))
    return None


def _build_one(job: _Job) -> AgencyStatus:
    """Worker body: run the notebook for one agency and stamp its inputs. Never raises."""
    start = time.monotonic()
    try:
        ay = params_io.load(job.params)
    except ReportKitError as exc:
        return AgencyStatus(job.params, None, job.params.stem, "", "failed", str(exc))
    try:
        target = pipeline.output_dir(job.outputs, ay)
        digest = inputs_hash(job.params, params_io.previous_year_path(job.params, ay), job.template, job.to)
        result = pipeline.run(job.params, job.outputs, job.template, job.kernel, job.timeout, job.to,
                              job.kernel_start)
        atomic_write_text(target / STAMP, digest + "\n")  # last: a stamp always describes finished outputs
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "built", "", time.monotonic() - start,
                            result.findings, target)
    except ReportKitError as exc:
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "failed", str(exc), time.monotonic() - start)
    except Exception as exc:  # a bug for one agency must not stop the others
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "failed", f"{type(exc).__name__}: {exc}",
                            time.monotonic() - start)


def _recorded(target: Path) -> list[dict[str, Any]]:
    import json

    try:
        meta = json.loads((target / "report.ipynb").read_text("utf-8")).get("metadata", {})
        return list(meta.get("report_kit", {}).get("findings", []))
    except (OSError, ValueError):
        return []


def _exit_with(build_pid: int) -> None:
    """Worker initializer: leave as soon as the build process is gone.

    A worker holds both ends of the pool's queues, so a build killed with SIGKILL never sends it EOF: it
    would wait for work forever (the forkserver and resource tracker with it), or finish its agency
    and write outputs outside the build lock. Its kernel follows it (ipykernel polls its parent).
    """

    def watch() -> None:
        try:
            fd = os.pidfd_open(build_pid)  # Linux: readable once that very process has exited
            select.select([fd], [], [])
        except (AttributeError, OSError):
            while True:
                try:
                    os.kill(build_pid, 0)
                except OSError:  # gone, or the pid already belongs to someone else
                    break
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="report-kit-build-watch", daemon=True).start()


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers start clean (no inherited threads or open kernels) but cheaply
    return ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("forkserver"), initializer=_exit_with,
                               initargs=(os.getpid(),))


def run_batch(paths: Sequence[Path], outputs: Path, template: Path, *, jobs: int | None = None,
              kernel: str | None = None, timeout: float = 600, to: Sequence[str] = (), force: bool = False,
              registry: dict[str, Agency] | None = None, year: int | None = None,
              on_done: Callable[[AgencyStatus], None] | None = None, scheduler: str | None = None,
              kernel_start: str | None = None) -> BatchResult:
    """Build every params file in ``paths``; registered agencies without params for ``year`` are missing.

    ``kernel_start``: "fork" or "spawn" (report_kit.kernels); None: the platform's default.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    statuses: list[AgencyStatus] = []

    def done(s: AgencyStatus) -> None:
        statuses.append(s)
        if on_done:
            on_done(s)

    todo: list[_Job] = []
    for p in paths:
        job = _Job(p, outputs, template, kernel, timeout, tuple(to), force, kernel_start)
        settled = _skip(job)  # invalid params are reported first: they say what to fix in the file
        if settled is None and registry is not None and p.stem not in registry:
            settled = AgencyStatus(p, _year_of(p), p.stem, "", "failed",
                                   f"{p}: slug {p.stem!r} is not in the agency registry; add it to agencies.yaml")
        if settled is not None:
            done(settled)
        else:
            todo.append(job)

    if todo and scheduler:
        for status in _run_dask(todo, scheduler, jobs):
            done(status)
        todo = []
    crashed: list[_Job] = []
    if todo:
        with _pool(min(jobs, len(todo))) as pool:
            futures: dict[Future[AgencyStatus], _Job] = {pool.submit(_build_one, j): j for j in todo}
            for fut in as_completed(futures):
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    crashed.append(futures[fut])
    # A dead worker breaks the whole pool and takes the other agencies in flight with it. Retry each of
    # them once in a worker of its own, so only the agency that really kills its worker fails.
    for job in crashed:
        with _pool(1) as pool:
            try:
                done(pool.submit(_build_one, job).result())
            except BrokenProcessPool:
                done(AgencyStatus(job.params, _year_of(job.params), job.params.stem, "", "failed",
                                  "the worker process died while building this agency (killed or out of memory)"))

    if registry is not None and year is not None:
        have = {p.stem for p in paths if _year_of(p) == year}
        for slug, agency in sorted(registry.items()):
            if agency.active(year) and slug not in have:
                done(AgencyStatus(None, year, slug, agency.name, "missing", f"no params/{year}/{slug}.yaml"))
    return BatchResult(statuses)


def _run_chunk(jobs: list[_Job]) -> list[AgencyStatus]:
    """One Dask task: a chunk of agencies built one after another on that worker (fresh kernel each)."""
    return [_build_one(job) for job in jobs]


def _run_dask(todo: list[_Job], scheduler: str, jobs: int) -> Iterator[AgencyStatus]:
    """Spread agencies over a Dask cluster in chunks, so the scheduler sees hundreds of tasks, not 100k.

    Workers must see the same params, template and outputs paths (a shared file system); outputs are
    written there by the workers, atomically, exactly as by local workers.
    """
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ReportKitError("the Dask executor needs dask.distributed: pip install 'report-kit[dask]'") from None
    try:
        client = Client(scheduler, timeout=10)
    except OSError as exc:
        raise ReportKitError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    # remote workers resolve nothing relative to our working directory
    todo = [replace(j, params=j.params.resolve(), outputs=j.outputs.resolve(), template=j.template.resolve())
            for j in todo]
    with client:
        workers = max(1, len(client.scheduler_info().get("workers", {})))
        size = max(1, min(50, len(todo) // (workers * 4) or 1))
        chunks = [todo[i:i + size] for i in range(0, len(todo), size)]
        futures = {client.submit(_run_chunk, chunk, pure=False): chunk for chunk in chunks}
        for fut in dask_completed(list(futures)):
            try:
                yield from fut.result()
            except Exception as exc:  # a lost worker or a broken task fails its chunk, not the batch
                for job in futures[fut]:
                    yield AgencyStatus(job.params, _year_of(job.params), job.params.stem, "", "failed",
                                       f"Dask task failed: {type(exc).__name__}: {exc}")


def _year_of(p: Path) -> int | None:
    return int(p.parent.name) if p.parent.name.isdigit() else None


def default_jobs() -> int:
    return os.cpu_count() or 1


def is_tty() -> bool:
    return sys.stderr.isatty()
