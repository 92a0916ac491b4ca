"""The processes a command started, found from /proc: what to stop when a build or a run is interrupted.

Kernels run in sessions of their own (jupyter_client starts them so), out of reach of a terminal's Ctrl-C
and of a process-group kill, so they are found by parentage instead. Without /proc (or with
REPORT_KIT_PORTABLE set) the table comes from psutil; where there are no sessions (Windows) every process
counts as in a session of its own.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Sequence
from pathlib import Path

from report_kit import platform


def _table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, session id) of every live process."""
    if not platform.has_proc():
        return _psutil_table()
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
                out[int(name)] = (int(fields[1]), int(fields[3]))
            except (OSError, IndexError, ValueError):
                continue
    return out


def _psutil_table() -> dict[int, tuple[int, int]]:
    import psutil

    getsid = getattr(os, "getsid", None)
    out = {}
    for proc in psutil.process_iter(["ppid"]):
        try:
            out[proc.pid] = (proc.info["ppid"] or 0, getsid(proc.pid) if getsid else proc.pid)
        except OSError:  # gone meanwhile, or another user's (ProcessLookupError, PermissionError)
            continue
    return out


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    import psutil

    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.AccessDenied:  # another user's: alive
        return True
    except psutil.Error:  # no such process
        return False


def descendants(roots: Sequence[int], other_sessions: bool = False) -> list[int]:
    """Every live process below ``roots``; with ``other_sessions``, only those that left the roots' session
    (kernels) and what runs below them — multiprocessing's helpers (forkserver, resource tracker) stay."""
    table = _table()
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    sessions = {table[r][1] for r in roots if r in table}
    out: list[int] = []
    stack = [(r, False) for r in roots]
    while stack:
        pid, inside = stack.pop()
        for child in children.get(pid, ()):
            moved = inside or table[child][1] not in sessions
            if moved or not other_sessions:
                out.append(child)
            stack.append((child, moved))
    return out


def kill(pids: Sequence[int]) -> None:
    """SIGKILL each of ``pids`` (already gone is fine)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, getattr(signal, "SIGKILL", signal.SIGTERM))  # Windows: SIGTERM is TerminateProcess
