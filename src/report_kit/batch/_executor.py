"""Run many agency-years on local worker processes; one failure never stops the batch.

Each agency gets its own fresh kernel process (papermill; forked from the worker's fork parent where
available, see ``report_kit.kernels``), so isolation between agencies is real. A worker that dies takes
only its own agency down: the pool is rebuilt and the rest carry on.
"""

from __future__ import annotations

import os
import select
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from report_kit import _driver, discovery, export, identity, interrupts, pipeline, platform, procs
from report_kit import params as params_io
from report_kit.errors import ReportKitError
from report_kit.i18n import _
from report_kit.outdir import OutputRoot
from report_kit.registry import Agency


@dataclass
class AgencyStatus:
    params: Path | None
    year: int | None
    slug: str
    name: str
    status: str  # built / skipped / failed / missing / outdated (not rebuilt by this build)
    reason: str = ""
    seconds: float = 0.0
    findings: list[dict[str, Any]] = field(default_factory=list)
    outputs: Path | None = None
    cell: int | None = None  # the failing cell's execution count, when a cell failed


@dataclass
class BatchResult:
    statuses: list[AgencyStatus]
    interrupted: int = 0  # the signal that stopped the build (0: it ran to the end)
    not_started: int = 0  # agencies it was going to build and did not (stopped or never started)
    complete: bool = True  # False: interrupted while planning, so ``statuses`` does not cover every file

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
    drop: tuple[str, ...] = ()
    registry: Mapping[str, Agency] | None = None
    params_sha256: str | None = None  # what the parent planned with: a file changed since is refused


def _status(plan: pipeline.Plan, status: str, reason: str = "", **kw: Any) -> AgencyStatus:
    return AgencyStatus(plan.params, plan.ay.year, plan.ay.slug, plan.ay.agency, status, reason,
                        outputs=plan.slot.path, **kw)


def _failed_entry(e: identity.Entry) -> AgencyStatus:
    """A file refused before any kernel, listed under its place (what it claims may be the problem)."""
    year = discovery.year_of_folder(e.path) or (e.ay.year if e.ay is not None else None)
    slug = e.path.stem if discovery.year_of_folder(e.path) or e.ay is None else e.ay.slug
    return AgencyStatus(e.path, year, slug, e.ay.agency if e.ay else "", "failed", str(e.error))


def assess(plan: pipeline.Plan) -> AgencyStatus:
    """What the folder holds for these inputs, without building: skipped (current), failed or outdated."""
    failure = _failure_record(plan)
    if failure is not None and failure.get("inputs") == plan.inputs.digest:
        return _status(plan, "failed", str(failure.get("reason", "")), cell=failure.get("cell"),
                       findings=_recorded(plan))
    reasons = plan.stale_reasons()
    if not reasons:
        return _status(plan, "skipped", _("up to date"), findings=_recorded(plan))
    reason = _("not rebuilt by this build: {reasons}").format(reasons="; ".join(reasons))
    return _status(plan, "outdated", reason, findings=_recorded(plan))


def _failure_record(plan: pipeline.Plan) -> dict[str, Any] | None:
    import json

    if export.FAILED not in plan.held:
        return None
    data = plan.slot.read(export.FAILED)
    try:
        meta = json.loads(data or b"").get("metadata", {})
        rec = meta.get(pipeline.FAILURE_KEY)
        return rec if isinstance(rec, dict) else None
    except (ValueError, AttributeError):
        return None


def _recorded(plan: pipeline.Plan) -> list[dict[str, Any]]:
    import json

    if "report.ipynb" not in plan.held:
        return []
    try:
        meta = json.loads(plan.slot.read("report.ipynb") or b"").get("metadata", {})
        return list(meta.get("report_kit", {}).get("findings", []))
    except (ValueError, AttributeError):
        return []


def _build_one(job: _Job) -> AgencyStatus:
    """Worker body: build one agency's set (stamped) or keep its failure. Never raises."""
    start = time.monotonic()
    try:
        ay = params_io.load(job.params, job.params_sha256)
    except ReportKitError as exc:
        return AgencyStatus(job.params, None, job.params.stem, "", "failed", str(exc))
    try:
        with OutputRoot(job.outputs) as root:
            plan = pipeline.make_plan(job.params, root, job.template, job.kernel, job.to, job.drop, job.registry,
                                      ay=ay)
            result = pipeline.build(plan, job.timeout, job.kernel_start)
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "built", "", time.monotonic() - start,
                            result.findings, result.html.parent)
    except ReportKitError as exc:
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "failed", str(exc), time.monotonic() - start,
                            outputs=pipeline.output_dir(job.outputs, ay), cell=getattr(exc, "cell", None))
    except Exception as exc:  # a bug for one agency must not stop the others
        return AgencyStatus(job.params, ay.year, ay.slug, ay.agency, "failed", f"{type(exc).__name__}: {exc}",
                            time.monotonic() - start, outputs=pipeline.output_dir(job.outputs, ay))


def _exit_with(build_pid: int) -> None:
    """Worker initializer: leave as soon as the build process is gone; leave Ctrl-C to the build process.

    A worker holds both ends of the pool's queues, so a build killed with SIGKILL never sends it EOF: it
    would wait for work forever (the forkserver and resource tracker with it), or finish its agency
    and write outputs outside the build lock. Its kernel follows it (ipykernel polls its parent).
    A terminal's Ctrl-C reaches the whole process group; the build process decides what happens (it stops
    the workers and their kernels itself), so a worker must not die half-way with a traceback of its own.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _driver.skip_slow_imports()  # a spawned worker (no forkserver preload) too

    def watch() -> None:
        try:
            if not platform.has_pidfd():
                raise AttributeError("pidfd_open")
            fd = os.pidfd_open(build_pid)  # Linux: readable once that very process has exited
            select.select([fd], [], [])
        except (AttributeError, OSError):
            while procs.alive(build_pid):  # (os.kill(pid, 0) would end the process on Windows)
                time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="report-kit-build-watch", daemon=True).start()


def _pool(jobs: int) -> ProcessPoolExecutor:
    # forkserver: workers start clean (no inherited threads or open kernels) but cheaply, with the libraries
    # they use imported once by the forkserver (_preload); spawn elsewhere
    context = get_context(platform.pool_start_method())
    if context.get_start_method() == "forkserver":
        context.set_forkserver_preload(["__main__", "report_kit.batch._preload"])  # (before it first starts)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context,
                               initializer=_exit_with,
                               initargs=(os.getpid(),))


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers and everything they started (kernels included), then let the pool go."""
    workers = list(getattr(pool, "_processes", {}) or {})
    procs.kill([*procs.descendants(workers), *workers])
    pool.shutdown(wait=False, cancel_futures=True)


def run_batch(paths: Sequence[Path], outputs: Path, template: Path, *, jobs: int | None = None,
              kernel: str | None = None, timeout: float = 600, to: Sequence[str] = (), force: bool = False,
              registry: Mapping[str, Agency] | None = None, year: int | None = None,
              on_done: Callable[[AgencyStatus], None] | None = None, scheduler: str | None = None,
              kernel_start: str | None = None, drop: Sequence[str] = (), registry_file: Path | str = discovery.REGISTRY,
              explain: Callable[[str], None] | None = None, entries: Sequence[identity.Entry] | None = None,
              on_total: Callable[[int], None] | None = None) -> BatchResult:
    """Build every params file in ``paths`` that is not up to date (of ``year`` only, when given).

    Files of other years are assessed, not built (so the index can cover every year). ``kernel_start``:
    "fork" or "spawn" (report_kit.kernels); None: the platform's default. ``explain``
    receives one line per agency saying why it is built or skipped. SIGINT/SIGTERM stop the batch at once:
    the result then says which signal, and the agencies not built are assessed as they stand.
    """
    jobs = max(1, jobs or os.cpu_count() or 1)
    statuses: list[AgencyStatus] = []
    settled = [0]  # agencies of this build already decided (built, skipped, failed)

    def done(s: AgencyStatus) -> None:
        statuses.append(s)
        settled[0] += 1
        if on_done:
            on_done(s)

    if entries is None:
        entries = identity.scan(list(paths), registry, registry_file)

    def chosen(e: identity.Entry) -> bool:
        return year is None or (discovery.year_of_folder(e.path) or (e.ay.year if e.ay else None)) == year

    if on_total:
        on_total(sum(1 for e in entries if chosen(e)))
    todo: list[tuple[_Job, pipeline.Plan]] = []
    finished: set[Path] = set()

    def finish(s: AgencyStatus) -> None:
        if s.params is not None:
            finished.add(s.params)
        done(s)

    def plan_one(e: identity.Entry, chosen_: bool, root: OutputRoot) -> None:
        """Settle an entry now (failed, skipped, assessed) or queue it for a worker."""
        if not e.ok:
            if chosen_:
                if explain:
                    explain(_("fail     {path}: {reason}").format(path=e.path, reason=str(e.error).splitlines()[0]))
                done(_failed_entry(e))  # invalid params are reported first: they say what to fix in the file
            else:
                statuses.append(_failed_entry(e))
            return
        assert e.ay is not None
        try:  # other years are assessed as they stand: this build's --to/--drop are not theirs
            plan = pipeline.make_plan(e.path, root, template, kernel, to if chosen_ else (),
                                      drop if chosen_ else (), registry, ay=e.ay)
        except (ReportKitError, OSError) as exc:
            (done if chosen_ else statuses.append)(
                AgencyStatus(e.path, e.ay.year, e.ay.slug, e.ay.agency, "failed", str(exc)))
            return
        if not chosen_:
            statuses.append(assess(plan))
            return
        reasons = ["--force"] if force else plan.stale_reasons()
        if not reasons:
            if explain:
                explain(_("skip     {path}: {reason}").format(path=plan.slot.path, reason=_("up to date")))
            done(_status(plan, "skipped", _("up to date"), findings=_recorded(plan)))
            return
        if explain:
            explain(_("build    {path}: {reasons}").format(path=plan.slot.path, reasons="; ".join(reasons)))
        todo.append((_Job(e.path, root.path, template, kernel, timeout, tuple(to), force, kernel_start,
                          tuple(drop), registry, plan.inputs.parts["params"]), plan))

    with OutputRoot(outputs) as root:
        try:
            for e in entries:
                plan_one(e, chosen(e), root)
        except KeyboardInterrupt as stop:  # Ctrl-C or SIGTERM (interrupts.Stopped) before anything was built
            left = sum(1 for e in entries if chosen(e)) - settled[0]
            return BatchResult(statuses, getattr(stop, "signum", signal.SIGINT), left, complete=False)
        try:
            _execute([job for job, _plan in todo], jobs, scheduler, finish)
        except KeyboardInterrupt as stop:  # what the folders hold now, for the index: nothing was written for these
            rest = [plan for job, plan in todo if job.params not in finished]
            statuses.extend(assess(plan) for plan in rest)
            return BatchResult(statuses, getattr(stop, "signum", signal.SIGINT), len(rest))
    return BatchResult(statuses)


def _execute(todo: list[_Job], jobs: int, scheduler: str | None, done: Callable[[AgencyStatus], None]) -> None:
    if todo and scheduler:
        for status in _run_dask(todo, scheduler, jobs):
            done(status)
        return
    crashed: list[_Job] = []
    if todo:
        pool = _pool(min(jobs, len(todo)))
        try:
            with interrupts.deferred():  # submit() starts workers: each must be recorded before a Ctrl-C
                futures: dict[Future[AgencyStatus], _Job] = {pool.submit(_build_one, j): j for j in todo}
            for fut in as_completed(futures):
                try:
                    done(fut.result())
                except BrokenProcessPool:
                    crashed.append(futures[fut])
        except KeyboardInterrupt:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)
    # A dead worker breaks the whole pool and takes the other agencies in flight with it. Retry each of
    # them once in a worker of its own, so only the agency that really kills its worker fails.
    for job in crashed:
        pool = _pool(1)
        try:
            with interrupts.deferred():
                future = pool.submit(_build_one, job)
            done(future.result())
        except BrokenProcessPool:
            done(AgencyStatus(job.params, discovery.year_of_folder(job.params), job.params.stem, "", "failed",
                              _("the worker process died while building this agency (killed or out of memory)")))
        except KeyboardInterrupt:
            _stop_pool(pool)
            raise
        pool.shutdown(wait=True)


def missing(paths: Sequence[Path], registry: Mapping[str, Agency], years: Sequence[int]) -> list[AgencyStatus]:
    """Registered agencies active in one of ``years`` without a params file in that year's folder."""
    have = {(discovery.year_of_folder(p), p.stem) for p in paths}
    out = []
    for year in sorted(set(years)):
        for slug, agency in sorted(registry.items()):
            if agency.active(year) and (year, slug) not in have:
                out.append(AgencyStatus(None, year, slug, agency.name_for(year), "missing",
                                        _("no params/{year}/{slug}.yaml").format(year=year, slug=slug)))
    return out


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
        raise ReportKitError(_("the Dask executor needs dask.distributed: {command}").format(
            command="pip install 'report-kit[dask]'")) from None
    try:
        client = Client(scheduler, timeout=10)
    except OSError as exc:
        raise ReportKitError(_("cannot reach the Dask scheduler at {address}: {error}").format(
            address=scheduler, error=exc)) from None
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
                    yield AgencyStatus(job.params, discovery.year_of_folder(job.params), job.params.stem, "", "failed",
                                       _("Dask task failed: {error}").format(error=f"{type(exc).__name__}: {exc}"))


def default_jobs() -> int:
    return os.cpu_count() or 1


def is_tty() -> bool:
    return sys.stderr.isatty()
