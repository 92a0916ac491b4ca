"""The processes a command started, found from /proc: what to stop when a build or a run is interrupted.

Kernels run in sessions of their own (jupyter_client starts them so), out of reach of a terminal's Ctrl-C
and of a process-group kill, so they are found by parentage instead.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Sequence
from pathlib import Path


def _table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, session id) of every live process."""
    out = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                fields = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()
                out[int(name)] = (int(fields[1]), int(fields[3]))
            except (OSError, IndexError, ValueError):
                continue
    return out


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
            os.kill(pid, signal.SIGKILL)
