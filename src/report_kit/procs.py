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


def descendants(roots: Sequence[int]) -> list[int]:
    """Every live process below ``roots`` (children first found first)."""
    children: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                ppid = int(Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(name))
    out: list[int] = []
    stack = list(roots)
    while stack:
        pid = stack.pop()
        for child in children.get(pid, ()):
            out.append(child)
            stack.append(child)
    return out


def kill(pids: Sequence[int]) -> None:
    """SIGKILL each of ``pids`` (already gone is fine)."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
