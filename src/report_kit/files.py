"""Atomic file writes: a failed run never leaves a half-written or replaced good output."""

from __future__ import annotations

import errno
import os
import re
import tempfile
from pathlib import Path

from report_kit.errors import OutputWriteError
from report_kit.i18n import N_, _

_HINTS = {errno.ENOSPC: N_("the disk is full"), errno.EROFS: N_("the file system is read-only"),
          errno.EACCES: N_("permission denied"), errno.EPERM: N_("permission denied"),
          errno.EDQUOT: N_("disk quota exceeded"),
          errno.EFBIG: N_("the file is larger than this process may write (a file-size limit)"),
          errno.ENOENT: N_("no such file"), errno.ENOTDIR: N_("no such file (a part of the path is not a folder)"),
          errno.EISDIR: N_("is a folder, not a file"), errno.ENAMETOOLONG: N_("the path is too long"),
          errno.EIO: N_("input/output error (damaged disk or network drive?)"),
          errno.EEXIST: N_("a file of that name is in the way (not a folder)")}


def os_error_hint(exc: OSError) -> str:
    """A short reason for a failed write, in the words an office understands."""
    hint = _HINTS.get(exc.errno or 0)
    return _(hint) if hint else exc.strerror or str(exc)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to a temporary file in the same folder, fsync, then rename over ``path``.

    On any failure the temporary file is removed and ``path`` keeps its previous content.
    """
    try:
        _write(path, data)
    except OSError as exc:
        why = os_error_hint(exc)
        raise OutputWriteError(_("cannot write {path}: {why}; the previous version is unchanged").format(
            path=path, why=why)) from None


def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# what _write's mkstemp names look like: .<name>.<8 random characters>.tmp
_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")


def remove_stale_temps(folder: Path) -> None:
    """Delete the temporary files of writers that were killed between creating and renaming them.

    Only for a folder no other process is writing to (a batch build holds its lock): a live writer's
    temporary file looks just the same.
    """
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if _TEMP.fullmatch(name):
            (folder / name).unlink(missing_ok=True)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))
