"""Reading an input file: opened once, proven a regular file, read up to a hard byte limit.

Every file report-kit reads from a user (params, the registry, published reports, workbooks, notebooks
given to `diff` and `findings`) goes through ``read_limited``. ``st_size`` is never trusted: a FIFO would
block an ordinary open, ``/dev/zero`` has no end, a file in /proc reports size 0, and a file may grow
between ``stat`` and ``read``. So the path is opened without blocking, ``fstat`` on the open descriptor
decides what it is, and the read stops one byte past the limit whatever the size said.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from report_kit.errors import InputFileError
from report_kit.i18n import N_, _

_CHUNK = 1 << 16

_KINDS = ((stat.S_ISDIR, N_("is a folder, not a file")),
          (stat.S_ISFIFO, N_("is a FIFO (named pipe), not a regular file")),
          (stat.S_ISCHR, N_("is a device, not a regular file")), (stat.S_ISBLK, N_("is a device, not a regular file")),
          (stat.S_ISSOCK, N_("is a socket, not a regular file")), (stat.S_ISLNK, N_("is a symbolic link")))

_WHY = {errno.EACCES: N_("permission denied"), errno.EPERM: N_("permission denied"), errno.ENOENT: N_("no such file"),
        errno.ENOTDIR: N_("no such file (a part of the path is not a folder)"),
        errno.EISDIR: N_("is a folder, not a file"), errno.ENAMETOOLONG: N_("the path is too long"),
        errno.EIO: N_("input/output error (damaged disk or network drive?)")}


def _kind(mode: int) -> str | None:
    """Why a file of this mode cannot be read as a document, or None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return _(next((what for test, what in _KINDS if test(mode)), N_("is not a regular file")))


def _reason(exc: OSError, follow_links: bool) -> str:
    if exc.errno == errno.ELOOP and not follow_links:
        return _("is a symbolic link; a link is not followed here (give the file it points to)")
    return _("cannot read: {why}").format(why=why_unreadable(exc))


def why_unreadable(exc: OSError) -> str:
    """Why a read failed, in the user's language where report-kit knows the error (else the system's words)."""
    why = _WHY.get(exc.errno or 0)
    return _(why) if why else exc.strerror or str(exc)


def read_limited(path: str | os.PathLike[str], limit: int, *, what: str = "", follow_links: bool = True) -> bytes:
    """The whole content of the regular file ``path``, at most ``limit`` bytes, or InputFileError.

    ``what`` completes the too-large message ("a params file is a few KB"); ``follow_links=False`` refuses
    a symbolic link as the last component (O_NOFOLLOW), for files inside a tree report-kit wrote itself.
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | (0 if follow_links else os.O_NOFOLLOW)
    try:
        # refuse what is plainly not a regular file before opening it (opening some devices has effects)
        kind = _kind(os.stat(path, follow_symlinks=follow_links).st_mode)
        if kind:
            raise InputFileError(path, kind)
        fd = os.open(path, flags)
    except OSError as exc:
        raise InputFileError(path, _reason(exc, follow_links)) from None
    try:
        info = os.fstat(fd)  # what was opened, whatever the path names now
        kind = _kind(info.st_mode)
        if kind:
            raise InputFileError(path, kind)
        too_large = f"; {_(what)}" if what else ""  # callers mark ``what`` with N_()
        if info.st_size > limit:
            raise InputFileError(path, _("file is {size} bytes{why} (limit {limit})").format(
                size=f"{info.st_size:,}", why=too_large, limit=f"{limit:,}"))
        chunks: list[bytes] = []
        total = 0
        while total <= limit:
            chunk = os.read(fd, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:
            raise InputFileError(path, _("more than {limit} bytes{why}").format(limit=f"{limit:,}", why=too_large))
        return b"".join(chunks)
    except OSError as exc:
        raise InputFileError(path, _reason(exc, follow_links)) from None
    finally:
        os.close(fd)


def regular_file(path: Path, *, follow_links: bool = True) -> bool:
    """Whether ``path`` is a regular file (through a link only with ``follow_links``), without opening it."""
    try:
        return stat.S_ISREG(os.stat(path, follow_symlinks=follow_links).st_mode)
    except (OSError, ValueError):
        return False
