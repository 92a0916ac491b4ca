"""One build at a time per outputs tree: an advisory lock the kernel releases when the process dies."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from report_kit.errors import ReportKitError


class BuildLockedError(ReportKitError):
    """Another build is running on the same outputs folder."""


class BuildLock:
    """``with BuildLock(outputs):`` refuses a second concurrent build; a killed build leaves no stale lock."""

    def __init__(self, outputs: Path) -> None:
        self.path = outputs / ".build.lock"
        self._fd: int | None = None

    def __enter__(self) -> BuildLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "unknown"
            os.close(fd)
            raise BuildLockedError(
                f"another report-kit build (pid {holder}) is running on {self.path.parent}; "
                "wait for it to finish or use another --outputs folder") from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._fd is not None:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
