"""The outputs tree on disk: ``outputs/<year>/<slug>/`` folders, written only inside a root resolved once.

- The root is resolved once (offices point it at a web root or a NAS, so it may itself be a link) and held
  open; every folder below it is opened relative to that descriptor with ``O_NOFOLLOW``, so a link below the
  root is refused — for writing, deleting and sweeping alike — and never followed out of it.
- An agency-year's files are written as a set: into a fresh hidden sibling folder (``.<slug>.stage-…``),
  then swapped in with one ``renameat2(RENAME_EXCHANGE)``, or where the file system lacks it with two renames
  that keep the old folder (``.<slug>.old-…``) until the new one is in place. A failure at any write (a full
  disk, a file-size limit, a kill) leaves the old complete set.
- A per-agency lock (``outputs/<year>/.<slug>.lock``) keeps `run` and `build` from writing one folder at once,
  without making a reviewer's `run` wait for a whole batch.

Every function here does I/O and nothing else; what is written is decided by the callers.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from report_kit import _pidlock, platform
from report_kit.errors import OutputPathError, OutputWriteError, ReportKitError
from report_kit.files import os_error_hint
from report_kit.i18n import N_, _
from report_kit.model import SLUG_RE

# getattr: importable everywhere; where these flags are missing, OutputRoot refuses (platform.require_dir_fds)
_NOFOLLOW, _CLOEXEC = getattr(os, "O_NOFOLLOW", 0), getattr(os, "O_CLOEXEC", 0)
_DIR = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | _CLOEXEC
_NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
PORTABLE_LOCK = ".pid.lock"  # the portable lock of x.lock is x.pid.lock (a flock file is never removed)
_SIDE = re.compile(r"\.(?P<slug>[a-z0-9-]+)\.(?P<kind>stage|old)-[a-z0-9]{8}")
_TEMP = re.compile(r"\..+\.[a-z0-9_]{8}\.tmp")  # write_atomic's names and files.atomic_write's
_LINK = N_("{where} is a symbolic link or not a folder: report-kit writes nothing outside {root} and follows no "
           "link below it; replace it with a real folder")
_READ_ONLY_KEPT = N_("cannot write {path}: the folder is read-only; the previous outputs are unchanged")
MAX_READ = 64 * 1024 * 1024  # what report-kit reads back from its own outputs (a notebook, a stamp)
LOCK_WAIT = 60.0  # seconds a writer waits for another one's agency lock


class AgencyLockedError(ReportKitError):
    """Another report-kit process is writing the same agency-year folder."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _suffix() -> str:
    return "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _i in range(8))


def _write_error(where: Path, exc: OSError) -> OutputWriteError:
    return OutputWriteError(_("cannot write {path}: {why}; the previous outputs are unchanged").format(
        path=where, why=os_error_hint(exc)))


# ------------------------------------------------------------------------------------------ renameat2

RENAME_EXCHANGE = 2
_EXCHANGE_UNSUPPORTED = {errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP}


def _load_renameat2() -> ctypes._CFuncPtr | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError, TypeError):  # not glibc ≥ 2.28, or not Linux (Windows: no CDLL(None))
        return None
    fn.argtypes = (ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint)
    fn.restype = ctypes.c_int
    return fn


_renameat2 = _load_renameat2()
exchange_supported = _renameat2 is not None  # tests switch it off to exercise the two-step swap


def _exchange(dir_fd: int, a: str, b: str) -> bool:
    """Swap two names in one atomic step; False where the system or file system cannot."""
    if _renameat2 is None or not exchange_supported:
        return False
    if _renameat2(dir_fd, os.fsencode(a), dir_fd, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in _EXCHANGE_UNSUPPORTED:
        return False
    raise OSError(err, os.strerror(err))


# ------------------------------------------------------------------------------------------ locks


def open_lock_file(dir_fd: int, name: str, where: Path) -> int:
    """A lock file opened without following a link, and only when it is a plain file of its own.

    ``O_NOFOLLOW | O_CREAT``: a symlink planted under the lock's name is refused, never opened through; a hard
    link (a second name for someone's file) is refused too, so nothing a lock holder writes reaches another file.
    """
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputPathError(_("{path} is a symbolic link; remove it (report-kit never writes through a "
                                    "link)").format(path=where)) from None
        raise OutputWriteError(_("cannot open the lock file {path}: {why}").format(
            path=where, why=os_error_hint(exc))) from None
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode) or st.st_nlink != 1:
        os.close(fd)
        raise OutputPathError(_("{path} is not a plain file of its own (a link to another file?); remove it").format(
            path=where))
    return fd


def flock(fd: int, wait: float) -> bool:
    """Take an exclusive lock on ``fd``, waiting up to ``wait`` seconds; False when it stays held."""
    import fcntl  # Unix only: callers check platform.has_flock() first

    deadline = time.monotonic() + wait
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)


def portable_lock_name(name: str) -> str:
    return name.removesuffix(".lock") + PORTABLE_LOCK


@contextlib.contextmanager
def hold(dir_fd: int, name: str, where: Path, wait: float) -> Iterator[bool]:
    """Hold the lock ``name`` in the folder ``dir_fd`` (flock, or the portable pid lock file where flock is
    missing or REPORT_KIT_PORTABLE is set); yields False when another process keeps it for ``wait`` seconds."""
    if platform.has_flock():
        fd = open_lock_file(dir_fd, name, where)
        try:
            yield flock(fd, wait)
        finally:
            os.close(fd)  # closing releases the lock
        return
    name = portable_lock_name(name)
    try:
        got = _pidlock.acquire(name, dir_fd, wait)
    except OSError as exc:
        raise OutputWriteError(_("cannot use the lock file {path}: {why}").format(
            path=where.parent / name, why=os_error_hint(exc))) from None
    try:
        yield got
    finally:
        if got:
            _pidlock.release(name, dir_fd)


# ------------------------------------------------------------------------------------------ the root


class OutputRoot:
    """``outputs/``, resolved and opened once; every path below it is reached relative to that descriptor."""

    def __init__(self, path: str | Path, create: bool = True) -> None:
        platform.require_dir_fds(N_("writing or reading the outputs folder"))
        self.path = Path(path).resolve()
        try:
            if create:
                self.path.mkdir(parents=True, exist_ok=True)
            self.fd = os.open(self.path, os.O_RDONLY | os.O_DIRECTORY | _CLOEXEC)
        except OSError as exc:
            raise OutputWriteError(_("cannot use {path} as the outputs folder: {why}").format(
                path=self.path, why=os_error_hint(exc))) from None

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> OutputRoot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            self.close()

    @staticmethod
    def path_of(outputs: str | Path, year: int, slug: str) -> Path:
        """``<root>/<year>/<slug>`` without opening anything: a bad slug or a link on the way is refused."""
        root = Path(outputs).resolve()
        if not SLUG_RE.fullmatch(slug):
            raise OutputPathError(_("slug {slug} is not a folder name: its output folder would be outside "
                                    "{root}").format(slug=repr(slug), root=root))
        target = root / str(year) / slug
        for p in (target.parent, target):
            if p.is_symlink():
                raise OutputPathError(_(_LINK).format(where=p, root=root))
        return target

    # folders --------------------------------------------------------------------------------------

    def open_dir(self, parts: tuple[str, ...], create: bool = False) -> int | None:
        """A descriptor of ``root/<parts…>`` (None when absent and not created); a link on the way is refused."""
        fd = os.dup(self.fd)
        where = self.path
        try:
            for part in parts:
                where = where / part
                if part in ("", ".", "..") or "/" in part:
                    raise OutputPathError(_("{path}: {part} is not a folder name").format(
                        path=self.path / Path(*parts), part=repr(part)))
                try:
                    nxt = os.open(part, _DIR, dir_fd=fd)
                except FileNotFoundError:
                    if not create:
                        os.close(fd)
                        return None
                    with contextlib.suppress(FileExistsError):
                        os.mkdir(part, 0o777, dir_fd=fd)
                    nxt = os.open(part, _DIR, dir_fd=fd)
                os.close(fd)
                fd = nxt
            return fd
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise OutputPathError(_(_LINK).format(where=where, root=self.path)) from None
            raise _write_error(where, exc) from None

    def years(self) -> list[int]:
        """Year folders under the root (real folders only)."""
        out = []
        for name in os.listdir(self.fd):
            if re.fullmatch(r"[0-9]{4}", name):
                with contextlib.suppress(OSError):
                    if stat.S_ISDIR(os.stat(name, dir_fd=self.fd, follow_symlinks=False).st_mode):
                        out.append(int(name))
        return sorted(out)

    def slugs(self, year: int) -> list[str]:
        """Agency folders of a year (real folders with a slug name; a link is not one of ours)."""
        fd = self.open_dir((str(year),))
        if fd is None:
            return []
        try:
            out = []
            for name in os.listdir(fd):
                if SLUG_RE.fullmatch(name):
                    with contextlib.suppress(OSError):
                        if stat.S_ISDIR(os.stat(name, dir_fd=fd, follow_symlinks=False).st_mode):
                            out.append(name)
            return sorted(out)
        finally:
            os.close(fd)

    def slot(self, year: int, slug: str) -> Slot:
        return Slot(self, year, slug)

    # single files (index pages, summary.csv) ------------------------------------------------------

    def write_file(self, parts: tuple[str, ...], data: bytes) -> Path:
        """Atomically replace ``root/<parts…>`` (temp file + rename inside that folder, links refused)."""
        *folder, name = parts
        fd = self.open_dir(tuple(folder), create=True)
        assert fd is not None
        try:
            write_atomic(fd, name, data, self.path.joinpath(*parts))
        finally:
            os.close(fd)
        return self.path.joinpath(*parts)

    def sweep_temps(self, parts: tuple[str, ...] = ()) -> None:
        """Remove temporary files a killed writer left in ``root/<parts…>`` (only under the build lock)."""
        fd = self.open_dir(parts)
        if fd is not None:
            try:
                _sweep_temps(fd)
            finally:
                os.close(fd)


def write_atomic(dir_fd: int, name: str, data: bytes, where: Path) -> None:
    """Write ``name`` in the folder ``dir_fd`` through a temporary file and a rename; never through a link."""
    tmp = f".{name}.{_suffix()}.tmp"
    try:
        fd = os.open(tmp, _NEW, 0o666, dir_fd=dir_fd)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.rename(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp, dir_fd=dir_fd)
            raise
    except OSError as exc:
        raise _write_error(where, exc) from None


def _sweep_temps(dir_fd: int) -> None:
    for name in os.listdir(dir_fd):
        if _TEMP.fullmatch(name):
            with contextlib.suppress(OSError):
                if stat.S_ISREG(os.stat(name, dir_fd=dir_fd, follow_symlinks=False).st_mode):
                    os.unlink(name, dir_fd=dir_fd)


def read_file(dir_fd: int, name: str, limit: int = MAX_READ) -> bytes | None:
    """A regular file's bytes (None when absent, a link or not a regular file), at most ``limit`` bytes."""
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK, dir_fd=dir_fd)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
            size += len(chunk)
        return None  # larger than anything report-kit writes: not ours
    finally:
        os.close(fd)


# ------------------------------------------------------------------------------------------ one agency-year


class Slot:
    """``outputs/<year>/<slug>/``: read its current set, replace it as a unit, record a failure, retire it."""

    def __init__(self, root: OutputRoot, year: int, slug: str) -> None:
        if not SLUG_RE.fullmatch(slug):
            raise OutputPathError(_("{slug} is not a valid folder name for {folder}").format(
                slug=repr(slug), folder=f"outputs/{year}/"))
        self.root, self.year, self.slug = root, year, slug
        self.path = root.path / str(year) / slug

    # reading ----------------------------------------------------------------------------------------

    def _open(self) -> int | None:
        year_fd = self.root.open_dir((str(self.year),))
        if year_fd is None:
            return None
        try:
            return os.open(self.slug, _DIR, dir_fd=year_fd)
        except FileNotFoundError:
            return None
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise OutputPathError(_(_LINK).format(where=self.path, root=self.root.path)) from None
            raise _write_error(self.path, exc) from None
        finally:
            os.close(year_fd)

    def files(self) -> dict[str, int]:
        """Names of the regular files in the folder now, with their sizes (empty when there is no folder)."""
        fd = self._open()
        if fd is None:
            return {}
        try:
            out = {}
            for name in os.listdir(fd):
                with contextlib.suppress(OSError):
                    st = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    if stat.S_ISREG(st.st_mode):
                        out[name] = st.st_size
            return out
        finally:
            os.close(fd)

    def read(self, name: str, limit: int = MAX_READ) -> bytes | None:
        fd = self._open()
        if fd is None:
            return None
        try:
            return read_file(fd, name, limit)
        finally:
            os.close(fd)

    # locking ----------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, wait: float = LOCK_WAIT) -> Iterator[int]:
        """Hold ``outputs/<year>/.<slug>.lock``; yields the year folder's descriptor for the writes."""
        year_fd = self.root.open_dir((str(self.year),), create=True)
        assert year_fd is not None
        try:
            with hold(year_fd, f".{self.slug}.lock", self.path.parent / f".{self.slug}.lock", wait) as got:
                if not got:
                    raise AgencyLockedError(_("another report-kit process is writing {path}; try again when it "
                                              "has finished").format(path=self.path))
                _recover(year_fd, self.slug)
                yield year_fd
        finally:
            os.close(year_fd)

    def check_writable(self) -> None:
        """Fail now, before a kernel runs, when the set could not be written (read-only folder or file system)."""
        with self.lock() as year_fd:
            if self._live_kind(year_fd) == "readonly":
                raise OutputWriteError(_(_READ_ONLY_KEPT).format(path=self.path))
            if not os.access(".", os.W_OK, dir_fd=year_fd):
                raise OutputWriteError(_("cannot write {path}: the folder is read-only").format(path=self.path.parent))

    # writing (hold lock() around these) ---------------------------------------------------------------

    def replace(self, year_fd: int, files: Mapping[str, bytes]) -> None:
        """Make ``files`` the folder's complete content in one step; on any failure the old set stays."""
        live = self._live_kind(year_fd)
        if live == "readonly":
            raise OutputWriteError(_(_READ_ONLY_KEPT).format(path=self.path))
        stage = f".{self.slug}.stage-{_suffix()}"
        try:
            os.mkdir(stage, 0o777, dir_fd=year_fd)
            stage_fd = os.open(stage, _DIR, dir_fd=year_fd)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        try:
            try:
                for name, data in files.items():
                    fd = os.open(name, _NEW, 0o666, dir_fd=stage_fd)
                    with os.fdopen(fd, "wb") as fh:
                        fh.write(data)
                        fh.flush()
                        os.fsync(fh.fileno())
                os.fsync(stage_fd)
            finally:
                os.close(stage_fd)
            self._swap(year_fd, stage, live is not None)
        except OSError as exc:
            _remove_tree(year_fd, stage)
            raise _write_error(self.path, exc) from None
        except BaseException:
            _remove_tree(year_fd, stage)
            raise

    def _swap(self, year_fd: int, stage: str, exists: bool) -> None:
        if not exists:
            os.rename(stage, self.slug, src_dir_fd=year_fd, dst_dir_fd=year_fd)
        elif _exchange(year_fd, stage, self.slug):
            _remove_tree(year_fd, stage)  # now the old set
        else:  # two steps: the old folder stays, under a hidden name, until the new one is in place
            old = f".{self.slug}.old-{_suffix()}"
            os.rename(self.slug, old, src_dir_fd=year_fd, dst_dir_fd=year_fd)
            try:
                os.rename(stage, self.slug, src_dir_fd=year_fd, dst_dir_fd=year_fd)
            except BaseException:
                os.rename(old, self.slug, src_dir_fd=year_fd, dst_dir_fd=year_fd)
                raise
            _remove_tree(year_fd, old)
        os.fsync(year_fd)

    def _live_kind(self, year_fd: int) -> str | None:
        try:
            st = os.stat(self.slug, dir_fd=year_fd, follow_symlinks=False)
        except FileNotFoundError:
            return None
        if not stat.S_ISDIR(st.st_mode):
            raise OutputPathError(_(_LINK).format(where=self.path, root=self.root.path))
        if not os.access(self.slug, os.W_OK, dir_fd=year_fd, follow_symlinks=False):
            return "readonly"
        return "dir"

    def add(self, year_fd: int, files: Mapping[str, bytes]) -> None:
        """Write ``files`` into the live folder (creating it), each atomically, leaving the other files as they are."""
        if self._live_kind(year_fd) == "readonly":
            raise OutputWriteError(_("cannot write {path}: the folder is read-only").format(path=self.path))
        try:
            with contextlib.suppress(FileExistsError):
                os.mkdir(self.slug, 0o777, dir_fd=year_fd)
            fd = os.open(self.slug, _DIR, dir_fd=year_fd)
        except OSError as exc:
            raise _write_error(self.path, exc) from None
        try:
            for name, data in files.items():
                write_atomic(fd, name, data, self.path / name)
        finally:
            os.close(fd)

    def discard(self, year_fd: int, names: tuple[str, ...]) -> None:
        """Remove single files from the live folder (a failure record once a good set replaced it)."""
        fd = self._open()
        if fd is None:
            return
        try:
            for name in names:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(name, dir_fd=fd)
        finally:
            os.close(fd)

    def retire(self, year_fd: int) -> None:
        """Remove the whole folder (its params file is gone): renamed aside first, so it vanishes at once."""
        if self._live_kind(year_fd) is None:
            return
        old = f".{self.slug}.old-{_suffix()}"
        try:
            os.rename(self.slug, old, src_dir_fd=year_fd, dst_dir_fd=year_fd)
        except OSError as exc:
            raise OutputWriteError(_("cannot remove {path}: {why}").format(path=self.path, why=os_error_hint(exc))
                                   ) from None
        _remove_tree(year_fd, old)


def _remove_tree(dir_fd: int, name: str) -> None:
    with contextlib.suppress(OSError):
        shutil.rmtree(name, dir_fd=dir_fd)  # fd-based: never follows a link out of the tree


def _recover(year_fd: int, slug: str) -> None:
    """Under the agency's lock: finish what a killed writer of ``slug`` left (a stage, an old set, temp files).

    An ``old`` folder without a live one is a two-step swap killed between its renames: it is the last complete
    set, so it goes back. Anything else aside is an unfinished or superseded set and is removed.
    """
    names = os.listdir(year_fd)
    live = slug in names
    for name in sorted(names, key=lambda n: ".old-" not in n):  # restore before removing stages
        m = _SIDE.fullmatch(name)
        if not m or m["slug"] != slug:
            continue
        if m["kind"] == "old" and not live:
            try:
                os.rename(name, slug, src_dir_fd=year_fd, dst_dir_fd=year_fd)
                live = True
            except OSError:
                pass  # keep it: it is the last complete set
            continue
        _remove_tree(year_fd, name)
    if live:
        with contextlib.suppress(OSError):
            fd = os.open(slug, _DIR, dir_fd=year_fd)
            try:
                _sweep_temps(fd)
            finally:
                os.close(fd)


def sweep_year(root: OutputRoot, year: int) -> None:
    """Recover every agency of a year whose lock is free (a build does this before writing)."""
    fd = root.open_dir((str(year),))
    if fd is None:
        return
    try:
        slugs = {m["slug"] for n in os.listdir(fd) if (m := _SIDE.fullmatch(n))} | set(root.slugs(year))
        for slug in sorted(slugs):
            with contextlib.suppress(ReportKitError), root.slot(year, slug).lock(wait=0):
                pass  # lock() recovers
    finally:
        os.close(fd)
