"""What keeps a kernel from outliving its build or running forever: a parent-death signal and a CPU limit.

Both are set in the kernel process itself, before it runs any notebook code, and both are enforced by the
operating system, so they hold even for a kernel stuck in C code (a regex that backtracks, a C extension),
where ipykernel's own parent poller (a Python thread that needs the GIL) never gets to run.

- ``PR_SET_PDEATHSIG`` (Linux): the kernel gets SIGKILL the moment the thread that started it ends. Kernels
  are started by a worker's main thread (spawn) or by the single thread of a fork parent (fork), so that
  thread lives exactly as long as the process that owns the kernel.
- ``RLIMIT_CPU``: SIGXCPU once the kernel has used its CPU budget, SIGKILL a few seconds later; derived
  from ``--timeout`` by :func:`cpu_budget`, so it never stops a notebook the wall-clock timeout would let
  finish (each cell gets at most ``timeout`` seconds, and a single-threaded kernel cannot use more CPU
  seconds than wall seconds).
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import sys

try:
    import resource
except ImportError:  # Windows: no CPU limit there, the wall-clock timeout still applies
    resource = None  # type: ignore[assignment]

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
PR_SET_NAME = 15
KERNEL_NAME = "rk-kernel"  # what ps -o comm, top and /proc/PID/comm show for a forked kernel
PARENT_NAME = "rk-fork-parent"
START_ALLOWANCE = 60  # CPU seconds for starting the kernel, on top of the cells' budget
HARD_GRACE = 5  # seconds of SIGXCPU before the hard limit's SIGKILL
EXIT_CPU = -signal.SIGXCPU  # a kernel stopped by its CPU limit, as Popen.returncode reports it

# resolved here, in the parent: a forked child (before exec) should not have to load libraries
_prctl = ctypes.CDLL(None, use_errno=True).prctl if sys.platform.startswith("linux") else None


def cpu_budget(timeout: float | None, cells: int) -> int | None:
    """CPU seconds a kernel may use to run ``cells`` code cells of at most ``timeout`` seconds each.

    None (no limit) when there is no usable timeout: no limit is better than an invented one.
    """
    if timeout is None or not math.isfinite(timeout) or timeout <= 0:
        return None
    return math.ceil(timeout * max(cells, 1)) + START_ALLOWANCE


def set_parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send ``sig`` to this process when its parent (thread) ends; False elsewhere."""
    if _prctl is None:
        return False
    if _prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))
    return True


def name_process(name: str) -> None:
    """The process name (comm, 15 bytes) shown by ``ps -o comm`` and ``top``: a forked kernel's command line
    is its fork parent's, so this is how an operator (and a test) tells them apart."""
    if _prctl is not None:
        _prctl(PR_SET_NAME, ctypes.c_char_p(name.encode()[:15]), 0, 0, 0)


def set_cpu_limit(seconds: int | None) -> None:
    """SIGXCPU after ``seconds`` of CPU time, SIGKILL a little later (hard limit); None: leave as is."""
    if seconds is None or resource is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    want = seconds + HARD_GRACE
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (min(seconds, want), want))


def arm(cpu_seconds: int | None, enabled: bool = True) -> None:
    """Both limits, for the calling process: runs in a new kernel process before any notebook code.

    ``enabled`` is decided by the caller before forking (platform.has_os_limits(): False with
    REPORT_KIT_PORTABLE set): without these limits a kernel whose owner died ends through ipykernel's parent
    poller (it exits once its parent is gone, if its code lets that thread run) and its folder goes with the
    next sweep; a runaway cell is stopped by the wall-clock --timeout only."""
    if not enabled:
        return
    set_parent_death_signal()
    set_cpu_limit(cpu_seconds)


def describe_exit(code: int | None) -> str:
    """A kernel's exit status in words, for the message of an agency whose kernel died."""
    from report_kit.i18n import _

    if code is None:
        return _("the kernel is still running")
    if code == EXIT_CPU:
        return _("the kernel was stopped by its CPU limit (from --timeout: that many CPU seconds per cell)")
    if code < 0:
        try:
            return _("the kernel was killed by {signal}").format(signal=signal.Signals(-code).name)
        except ValueError:
            return _("the kernel was killed by signal {number}").format(number=-code)
    return _("the kernel exited with status {code}").format(code=code)
