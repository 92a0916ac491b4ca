"""The portable lock: a lock file that exists while it is held, naming its owner; for systems without flock.

``flock`` is released by the kernel when its holder dies; a plain file is not, so this one records the
owner's pid and process start time. A file whose owner is gone (no such process, a zombie, or the pid now
belongs to a process started at another time) is stale and is taken over. Taking over renames the stale
file aside first and checks it is still the one judged stale, so two processes breaking the same stale
lock never both end up holding it. What is lost against flock: a lock whose owner hangs (alive, stuck)
is held until it is killed, as with flock; a file left by a killed owner stays on disk until the next
taker (harmless).

Written by hand because the well-kept libraries (filelock, portalocker) use flock/msvcrt locks — exactly
what this route exists to do without — or, for their "soft" locks, have no stale-owner rule.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time

from report_kit.i18n import _

_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
UNWRITTEN_GRACE = 5.0  # seconds an owner may take between creating the file and writing its pid into it


def _start_time(pid: int) -> float | None:
    """The process's start time, or None when it is gone (a zombie counts as gone)."""
    import psutil

    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return None
        return proc.create_time()
    except (psutil.NoSuchProcess, psutil.ZombieProcess):
        return None
    except psutil.AccessDenied:  # another user's live process
        return float("nan")


def _stamp() -> bytes:
    return f"{os.getpid()} {_start_time(os.getpid())!r}\n".encode()


def _read(name: str, dir_fd: int | None) -> bytes | None:
    try:
        fd = os.open(name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0), dir_fd=dir_fd)
    except FileNotFoundError:
        return None
    try:
        return os.read(fd, 128)
    finally:
        os.close(fd)


def holder(name: str, dir_fd: int | None = None) -> str:
    """The pid written in the lock file (for messages), or "unknown"."""
    data = _read(name, dir_fd) or b""
    return data.split(maxsplit=1)[0].decode(errors="replace") if data.split() else _("unknown")


def _stale(data: bytes, mtime: float) -> bool:
    fields = data.split()
    if len(fields) != 2 or not fields[0].isdigit():
        return time.time() - mtime > UNWRITTEN_GRACE  # an owner between creating and writing, or garbage
    started = _start_time(int(fields[0]))
    if started is None:
        return True
    if started != started:  # nan: another user's live process
        return False
    return repr(started) != fields[1].decode(errors="replace")  # the pid was reused by a newer process


def _break(name: str, dir_fd: int | None, seen: bytes) -> None:
    """Remove a stale lock file, unless someone replaced it since it was read."""
    aside = f"{name}.{secrets.token_hex(4)}.tmp"
    try:
        os.rename(name, aside, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except FileNotFoundError:  # someone else broke it first
        return
    if _read(aside, dir_fd) != seen:  # we moved a fresh lock: put it back unless its name is taken again
        with contextlib.suppress(OSError):
            os.link(aside, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    with contextlib.suppress(FileNotFoundError):
        os.unlink(aside, dir_fd=dir_fd)


def try_acquire(name: str, dir_fd: int | None = None) -> bool:
    """Create the lock file ``name`` (relative to ``dir_fd``); False while a live owner holds it."""
    for _attempt in range(3):
        try:
            fd = os.open(name, _NEW, 0o644, dir_fd=dir_fd)
        except FileExistsError:
            data = _read(name, dir_fd)
            if data is None:
                continue  # released meanwhile
            try:
                mtime = os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mtime
            except FileNotFoundError:
                continue
            if not _stale(data, mtime):
                return False
            _break(name, dir_fd, data)
            continue
        try:
            os.write(fd, _stamp())
        finally:
            os.close(fd)
        return True
    return False


def acquire(name: str, dir_fd: int | None, wait: float) -> bool:
    """``try_acquire``, retried for up to ``wait`` seconds."""
    deadline = time.monotonic() + wait
    while not try_acquire(name, dir_fd):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)
    return True


def release(name: str, dir_fd: int | None = None) -> None:
    """Remove the lock file if it is still ours (a file someone took over as stale is theirs now)."""
    if _read(name, dir_fd) == _stamp():
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name, dir_fd=dir_fd)
