"""Old office files (.doc, .wps, .xls) converted by LibreOffice in headless mode, then read as .docx/.xlsx.

    with converted(path, max_bytes=MAX_BYTES) as readable:   # path itself unless it is an old format
        records = docx_records(readable)

Reports and intake workbooks still arrive in Word 97-2003, WPS and Excel 97-2003 files. Reading those
binary formats is LibreOffice's job (no maintained Python library reads .doc or .wps), so each file is
converted by ``soffice --headless --convert-to`` in a subprocess: on a copy in a temporary folder (no lock
file beside the user's document), with a LibreOffice profile of its own in that folder (never the user's,
and no clash with a LibreOffice the user has open), a timeout that kills the whole process group, and
the same size limit as the readers apply. Without LibreOffice, ConverterMissingError says how to convert
the file by hand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from report_kit._readers import why_unreadable
from report_kit.errors import SourceDocumentError
from report_kit.i18n import N_, _

__all__ = ["LEGACY", "ConverterMissingError", "LegacyFormatError", "converted", "find_soffice"]

# old suffix -> the format it is read as, with LibreOffice's export filter for it
LEGACY = {".doc": ".docx", ".wps": ".docx", ".xls": ".xlsx"}
_FILTERS = {".docx": "docx:MS Word 2007 XML", ".xlsx": "xlsx:Calc MS Excel 2007 XML"}
_APP = {".docx": N_("Word or WPS"), ".xlsx": N_("Excel or WPS")}
OPT = Path("/opt")  # where LibreOffice's own packages install (libreofficeX.Y/program/soffice)
TIMEOUT = 120.0  # a report converts in a few seconds; the first start of a fresh profile takes longest


class LegacyFormatError(SourceDocumentError):
    """An old office file (.doc, .wps, .xls) could not be converted to .docx/.xlsx by LibreOffice."""


class ConverterMissingError(LegacyFormatError):
    """An old office file needs LibreOffice to be read, and LibreOffice is not installed."""


def find_soffice() -> str | None:
    """LibreOffice's command: on PATH (distribution packages), else the newest /opt/libreoffice*/ (its own
    packages, which put only a versioned ``libreofficeX.Y`` on PATH)."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    candidates = sorted(OPT.glob("libreoffice*/program/soffice"))
    return str(candidates[-1]) if candidates else None


def _save_as(modern: str) -> str:
    return _("open it in {app} and save it as {suffix} (另存为 {suffix})").format(app=_(_APP[modern]), suffix=modern)


@contextlib.contextmanager
def converted(path: Path, *, max_bytes: int, timeout: float = TIMEOUT) -> Iterator[Path]:
    """``path`` itself, or for .doc/.wps/.xls the .docx/.xlsx LibreOffice made of it, in a temporary folder
    removed on exit. A SourceDocumentError raised in the block names ``path``, not the temporary file."""
    path = Path(path)
    modern = LEGACY.get(path.suffix.lower())
    if modern is None:
        yield path
        return
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise SourceDocumentError(_("{path}: cannot read: {error}").format(path=path, error=why_unreadable(exc))
                                  ) from None
    if size > max_bytes:
        raise SourceDocumentError(_("{path}: {size:,} bytes, over the {limit:,}-byte limit; is this the right "
                                    "file?").format(path=path, size=size, limit=max_bytes))
    soffice = find_soffice()
    if soffice is None:
        raise ConverterMissingError(_("{path}: {suffix} files are read through LibreOffice, which is not "
                                      "installed; {advice}, or install LibreOffice").format(
            path=path, suffix=path.suffix, advice=_save_as(modern)))
    with tempfile.TemporaryDirectory(prefix="rk-convert-") as tmp:
        result = _run(soffice, path, Path(tmp), modern, max_bytes, timeout)
        try:
            yield result
        except SourceDocumentError as exc:  # the reader saw only the temporary copy: name the user's file
            exc.args = (str(exc).replace(str(result), _("{path} (converted to {suffix} by LibreOffice)").format(
                path=path, suffix=modern)),)
            raise


def _run(soffice: str, path: Path, tmp: Path, modern: str, max_bytes: int, timeout: float) -> Path:
    source = tmp / "in" / f"source{path.suffix.lower()}"
    source.parent.mkdir()
    try:
        shutil.copyfile(path, source)
    except OSError as exc:
        raise SourceDocumentError(_("{path}: cannot read: {error}").format(path=path, error=why_unreadable(exc))
                                  ) from None
    out = tmp / "out"
    cmd = [soffice, f"-env:UserInstallation={(tmp / 'profile').as_uri()}", "--headless", "--invisible",
           "--nologo", "--norestore", "--nodefault", "--nolockcheck",
           "--convert-to", _FILTERS[modern], "--outdir", str(out), str(source)]
    # LibreOffice's temporary files, and what it and its desktop libraries (dconf) write under the home
    # folder, go into the folder removed afterwards: the user's home and profile stay untouched
    env = {**os.environ, "TMPDIR": str(tmp), "HOME": str(tmp), "XDG_CONFIG_HOME": str(tmp / "config"),
           "XDG_CACHE_HOME": str(tmp / "cache")}
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                text=True, errors="replace", env=env, start_new_session=posix)
    except OSError as exc:
        raise LegacyFormatError(_("{path}: LibreOffice ({program}) could not be started: {error}; {advice}").format(
            path=path, program=soffice, error=why_unreadable(exc), advice=_save_as(modern))) from None
    try:
        output, _err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc, posix)
        proc.communicate()
        raise LegacyFormatError(_("{path}: LibreOffice did not convert it within {seconds:g} s (password-protected "
                                  "or damaged?); {advice}").format(path=path, seconds=timeout,
                                                                   advice=_save_as(modern))) from None
    finally:
        _kill(proc, posix)  # soffice.bin can outlive the launcher script: leave nothing of its session behind
    result = out / f"source{modern}"
    if not result.is_file():
        last = next((ln.strip() for ln in reversed(output.splitlines()) if ln.strip()), _("no output"))
        raise LegacyFormatError(_("{path}: LibreOffice could not read it as a {suffix} file ({output}); "
                                  "{advice}").format(path=path, suffix=path.suffix, output=last,
                                                     advice=_save_as(modern)))
    if result.stat().st_size > max_bytes:
        raise LegacyFormatError(_("{path}: converted to {size:,} bytes, over the {limit:,}-byte limit; is this the "
                                  "right file?").format(path=path, size=result.stat().st_size, limit=max_bytes))
    return result


def _kill(proc: subprocess.Popen[str], posix: bool) -> None:
    if posix:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)
    elif proc.poll() is None:
        proc.kill()
