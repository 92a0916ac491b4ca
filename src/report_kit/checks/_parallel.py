"""`check` of many params files on every core, with the results a single process gives, in the same order.

Reading (YAML, validation) and the rules are pure functions of a file's bytes and of an agency-year, so they run in
worker processes; everything that relates files to each other (duplicate claims, the previous year, the registry)
stays in ``check_files``, in the calling process, unchanged. A worker sends back what it built; a file it could not
read is read again here, so its error is raised by the same code, with the same message, as without workers.
Below ``MIN_FILES`` files, or on one core, nothing starts: a pool's start costs more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_kit import params, platform

if TYPE_CHECKING:
    from report_kit.checks._context import Context
    from report_kit.checks._core import Finding
    from report_kit.model import AgencyYear

MIN_FILES = 200  # measured: at 200 files two workers already save ~40% on an idle 2-core machine
MAX_WORKERS = 8
CHUNKS_PER_WORKER = 4  # smaller chunks balance uneven files; each chunk costs one round trip


def workers_for(n_files: int, jobs: int | None = None) -> int:
    """How many worker processes to use: ``jobs`` when given, else one per core for ``MIN_FILES`` files or more."""
    if jobs is not None:
        return max(1, jobs)
    if n_files < MIN_FILES:
        return 1
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_WORKERS))


def _start_method() -> str:
    import multiprocessing
    import threading

    # fork: the workers start with everything this process imported and indexed (~0.5 s saved per worker); only
    # safe while this process runs no other thread (the CLI's `check`). Otherwise the batch pool's method.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1 and not platform.forced():
        return "fork"
    return platform.pool_start_method()


def _load_chunk(paths: Sequence[Path]) -> list[AgencyYear | None]:
    out: list[AgencyYear | None] = []
    for p in paths:
        try:
            out.append(params.load(p))
        except Exception:  # read again by the caller, which raises (and reports) exactly as without workers
            out.append(None)
    return out


def _check_chunk(tasks: Sequence[tuple[AgencyYear, AgencyYear | None, Context | None]]) -> list[tuple[bool, Any]]:
    from report_kit.checks._core import run_checks

    out: list[tuple[bool, Any]] = []
    for ay, previous, context in tasks:
        try:
            out.append((True, run_checks(ay, previous, context)))
        except Exception as exc:  # raised by the caller when it reaches this file, as without workers
            out.append((False, exc))
    return out


def _chunks(items: Sequence[Any], n: int) -> list[Sequence[Any]]:
    size = max(1, -(-len(items) // n))
    return [items[i:i + size] for i in range(0, len(items), size)]


class Pool:
    """Worker processes for one `check` run (a context manager: they end with the block)."""

    def __init__(self, workers: int) -> None:
        import multiprocessing  # here: a one-file check never starts a pool, nor imports one
        from concurrent.futures import ProcessPoolExecutor

        self.workers = workers
        self._executor = ProcessPoolExecutor(
            max_workers=workers, mp_context=multiprocessing.get_context(_start_method()))
        self._read: dict[Path, AgencyYear] = {}

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)

    def _map(self, func: Callable[[Sequence[Any]], list[Any]], items: Sequence[Any]) -> Iterator[Any]:
        for part in self._executor.map(func, _chunks(items, self.workers * CHUNKS_PER_WORKER)):
            yield from part

    def read(self, paths: Iterable[Path]) -> None:
        """Read these params files in the workers, ahead of ``load``."""
        todo = [p for p in dict.fromkeys(paths) if p not in self._read]
        for p, ay in zip(todo, self._map(_load_chunk, todo), strict=True):
            if ay is not None:
                self._read[p] = ay

    def load(self, path: Path) -> AgencyYear:
        """``params.load(path)``: what a worker read, else read here (and its error raised here)."""
        ay = self._read.get(path)
        return ay if ay is not None else params.load(path)

    def run_checks(self, tasks: Sequence[tuple[AgencyYear, AgencyYear | None, Context | None]]) \
            -> Iterator[list[Finding]]:
        """``run_checks`` of each task, in order."""
        for ok, value in self._map(_check_chunk, tasks):
            if not ok:
                raise value
            yield value
