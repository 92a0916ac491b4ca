"""This process's private folder for its kernels' connection files and Unix sockets, and the sweep of
folders whose process was killed.

The folder is named after the process (``rk-kernel-<pid>-<random>`` in the temp folder) so that a later
process can tell whether its owner is still alive: a worker killed with SIGKILL runs no cleanup, and the
next kernel start anywhere on the machine removes what it left (connection files hold the kernel's
signing key; socket files would pile up).
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import threading
from pathlib import Path

HOME_PREFIX = "rk-kernel-"  # + pid of the process that owns the kernels

_lock = threading.Lock()
_home: tuple[int, Path] | None = None  # (owner pid, folder): a forked process makes its own


def home() -> Path:
    """The folder of this process's kernels, made on first use (after a sweep) and removed at exit."""
    global _home
    with _lock:
        if _home is None or _home[0] != os.getpid() or not _home[1].is_dir():
            sweep()
            folder = Path(tempfile.mkdtemp(prefix=f"{HOME_PREFIX}{os.getpid()}-"))
            _home = (os.getpid(), folder)
            atexit.register(_remove, *_home)
            # multiprocessing workers leave through os._exit: atexit handlers do not run there, Finalize ones do
            from multiprocessing import util

            util.Finalize(None, _remove, args=_home, exitpriority=50)
        return _home[1]


def _remove(owner: int, folder: Path) -> None:
    if os.getpid() == owner:  # a forked child that exits normally runs its parent's handlers too
        shutil.rmtree(folder, ignore_errors=True)


def sweep() -> list[Path]:
    """Remove the kernel folders of processes that no longer exist; returns what was removed."""
    removed = []
    for folder in Path(tempfile.gettempdir()).glob(f"{HOME_PREFIX}*-*"):
        pid = folder.name[len(HOME_PREFIX):].split("-", 1)[0]
        try:
            uid = os.getuid() if hasattr(os, "getuid") else folder.stat().st_uid  # Windows: no uids
            if not pid.isdigit() or folder.is_symlink() or folder.stat().st_uid != uid:
                continue
        except OSError:  # already gone
            continue
        if _gone(int(pid)):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


def _gone(pid: int) -> bool:
    """No such process, or only its zombie (a killed worker whose new parent has not reaped it yet)."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process there
        from report_kit import procs

        return not procs.alive(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # alive under another user
        return False
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):  # no /proc: it is alive as far as we can tell
        return False
