"""One build at a time per outputs tree: an advisory lock the kernel releases when the process dies.

The lock file is opened relative to the outputs root with ``O_NOFOLLOW | O_CREAT`` and used only when it is
a plain file of its own (``outdir.open_lock_file``): a link planted under its name is refused, never truncated
through.

Where flock is missing (or REPORT_KIT_PORTABLE is set) the lock is ``.build.pid.lock``, a file that exists
while a build holds it and names its pid; a killed build's file is stale and taken over (``_pidlock``).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

from report_kit import _pidlock, platform
from report_kit.errors import OutputWriteError, ReportKitError
from report_kit.files import os_error_hint
from report_kit.i18n import _
from report_kit.outdir import OutputRoot, open_lock_file, portable_lock_name

NAME = ".build.lock"


class BuildLockedError(ReportKitError):
    """Another build is running on the same outputs folder."""


class BuildLock:
    """``with BuildLock(outputs):`` refuses a second concurrent build; a killed build leaves no stale lock."""

    def __init__(self, outputs: OutputRoot | Path) -> None:
        self.root = outputs if isinstance(outputs, OutputRoot) else None
        self._outputs = Path(outputs.path if isinstance(outputs, OutputRoot) else outputs)
        self.path = self._outputs / NAME
        self._fd: int | None = None
        self._own_root = False
        self._portable = False

    def __enter__(self) -> BuildLock:
        if self.root is None:
            self.root, self._own_root = OutputRoot(self._outputs), True
        self.path = self.root.path / NAME
        if not platform.has_flock():
            return self._enter_portable()
        import fcntl

        fd = open_lock_file(self.root.fd, NAME, self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or _("unknown")
            os.close(fd)
            self._locked(holder)
        os.ftruncate(fd, 0)  # our own plain file (checked on opening), locked by us
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd
        return self

    def _enter_portable(self) -> BuildLock:
        assert self.root is not None
        self.path, name = self.root.path / (portable_lock_name(NAME)), portable_lock_name(NAME)
        try:
            if not _pidlock.try_acquire(name, self.root.fd):
                self._locked(_pidlock.holder(name, self.root.fd))
        except OSError as exc:
            self._release_root()
            raise OutputWriteError(_("cannot use the lock file {path}: {why}").format(
                path=self.path, why=os_error_hint(exc))) from None
        self._portable = True
        return self

    def _locked(self, holder: str) -> None:
        self._release_root()
        raise BuildLockedError(_(
            "another report-kit build (pid {pid}) is running on {path}; wait for it to finish or use another "
            "--outputs folder").format(pid=holder, path=self.path.parent)) from None

    def _release_root(self) -> None:
        if self._own_root and self.root is not None:
            self.root.close()
            self.root, self._own_root = None, False

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._portable and self.root is not None:
            with contextlib.suppress(OSError):
                _pidlock.release(portable_lock_name(NAME), self.root.fd)
            self._portable = False
        if self._fd is not None:
            import fcntl

            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
        self._release_root()
