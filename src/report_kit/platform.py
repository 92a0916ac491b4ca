"""Which operating-system routes this machine offers, decided in one place and read by the modules that use them.

report-kit prefers Linux's precise tools (``flock``, pidfds, Unix-domain sockets, ``forkserver``, forked
kernels, ``prctl``/``RLIMIT_CPU``, ``/proc``) and falls back to a portable route where one exists:

=====================  ===================================  ==========================================
feature                native route                         portable route
=====================  ===================================  ==========================================
build / agency lock    ``fcntl.flock`` (released on death)  lock file made with O_CREAT|O_EXCL holding
                                                            the owner's pid + start time; a dead
                                                            owner's file is stale and taken over
worker pool            ``forkserver``                       ``spawn``
build-process watch    ``os.pidfd_open``                    polls the build pid once a second
kernel start           forked from a warm parent            ``spawn`` (a new interpreter per kernel)
kernel transport       Unix-domain sockets                  TCP on 127.0.0.1
kernel limits          parent-death signal + RLIMIT_CPU     none: orphans end through ipykernel's parent
                                                            poller and the sweep of kernel folders;
                                                            the wall-clock ``--timeout`` still applies
processes started      ``/proc`` (with sessions)            psutil (by parentage)
=====================  ===================================  ==========================================

Descriptor-relative file operations (``dir_fd``, ``O_DIRECTORY``/``O_NOFOLLOW``) have no portable route:
without them (Windows) writing outputs stops with :class:`UnavailableError`, one line, exit 2.

``REPORT_KIT_PORTABLE=1`` forces every portable route on a system that has the native ones, so the tests
cover them on Linux. Nothing here imports a Unix-only module at import time.
"""

from __future__ import annotations

import importlib
import os
import sys

from report_kit.errors import ReportKitError

FORCE_ENV = "REPORT_KIT_PORTABLE"


class UnavailableError(ReportKitError):
    """A feature needs an operating-system facility this platform lacks, and has no portable route."""


def forced() -> bool:
    """True when ``REPORT_KIT_PORTABLE`` asks for the portable routes (read at each call: tests set it)."""
    return os.environ.get(FORCE_ENV, "").strip() not in ("", "0")


def _importable(name: str) -> bool:
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True


def has_flock() -> bool:
    return not forced() and _importable("fcntl")


def has_pidfd() -> bool:
    return not forced() and hasattr(os, "pidfd_open")


def has_unix_kernel_sockets() -> bool:
    """Kernels on Unix-domain sockets: Linux only (zmq's ipc transport is not used elsewhere)."""
    if forced() or not sys.platform.startswith("linux"):
        return False
    import socket

    return hasattr(socket, "AF_UNIX")


def has_os_limits() -> bool:
    """Parent-death signal and CPU limit for kernels (prctl and RLIMIT_CPU)."""
    return not forced() and sys.platform.startswith("linux") and _importable("resource")


def has_proc() -> bool:
    return not forced() and os.path.isdir("/proc/self")


def pool_start_method() -> str:
    """The worker pool's multiprocessing start method: forkserver where it exists, spawn elsewhere."""
    import socket
    from multiprocessing import get_all_start_methods

    if not forced() and "forkserver" in get_all_start_methods() and hasattr(socket, "AF_UNIX"):
        return "forkserver"  # its server listens on a Unix-domain socket
    return "spawn"


def has_dir_fds() -> bool:
    """Opening files relative to a folder's descriptor, refusing links (no portable route)."""
    return (os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY") and hasattr(os, "O_NOFOLLOW"))


def require_dir_fds(what: str) -> None:
    if not has_dir_fds():
        from report_kit.i18n import _

        raise UnavailableError(_(
            "{what} needs descriptor-relative file operations (O_DIRECTORY, O_NOFOLLOW, dir_fd), which "
            "{platform} lacks; run report-kit on Linux (on Windows: inside WSL2)").format(what=_(what),
                                                                                         platform=sys.platform))


def routes() -> dict[str, str]:
    """Feature → the route this process uses (for notes, tests and bug reports)."""
    return {
        "lock": "flock" if has_flock() else "pid lock file",
        "pool": pool_start_method(),
        "build watch": "pidfd" if has_pidfd() else "polling",
        "kernel transport": "ipc" if has_unix_kernel_sockets() else "tcp",
        "kernel limits": "prctl+rlimit" if has_os_limits() else "none",
        "processes": "/proc" if has_proc() else "psutil",
        "output folders": "dir_fd" if has_dir_fds() else "unavailable",
    }
