"""Headless Chromium, offline: find the browser and print a local HTML file to PDF.

The system browser (Debian's ``chromium``; ``make system-deps`` installs it) is run once per
document with a throw-away profile and every background service switched off, so printing
makes no network request and leaves nothing behind.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from report_kit.errors import PublishError
from report_kit.i18n import N_, _

ENV_VAR = "REPORT_KIT_CHROMIUM"
CANDIDATES = ("chromium", "chromium-browser", "google-chrome-stable", "google-chrome")
# Headless, as root in containers, and quiet: no sync, updates, field trials or QUIC probes.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-default-apps",
    "--mute-audio",
)
INSTALL_HINT = N_("install Debian's chromium (`make system-deps`) or set REPORT_KIT_CHROMIUM to a Chromium binary")


def find_chromium() -> Path:
    """The browser to use: ``$REPORT_KIT_CHROMIUM``, else the first Chromium on PATH."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        path = Path(configured)
        if not (path.is_file() and os.access(path, os.X_OK)):
            raise PublishError(_("{setting} is not an executable file; {hint}").format(
                setting=f"{ENV_VAR}={configured}", hint=_(INSTALL_HINT)))
        return path
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise PublishError(_("report.pdf needs headless Chromium and none was found on PATH; {hint}").format(
        hint=_(INSTALL_HINT)))


def print_to_pdf(html: Path, timeout: float = 120) -> bytes:
    """``html`` (a local file) printed by headless Chromium on the page size its CSS asks for."""
    html = html.resolve()
    if not html.is_file():
        raise PublishError(_("cannot print {path}: no such file").format(path=html))
    browser = find_chromium()
    with tempfile.TemporaryDirectory(prefix="rk-chromium-") as tmp:
        out = Path(tmp) / "out.pdf"
        cmd = [str(browser), *FLAGS, f"--user-data-dir={Path(tmp) / 'profile'}", "--no-pdf-header-footer",
               f"--print-to-pdf={out}", html.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise PublishError(_("{path}: Chromium did not finish printing within {seconds} s").format(
                path=html, seconds=f"{timeout:g}")) from None
        except OSError as exc:
            raise PublishError(_("cannot start {browser}: {error}; {hint}").format(
                browser=browser, error=exc.strerror or exc, hint=_(INSTALL_HINT))) from None
        data = out.read_bytes() if out.is_file() else b""
    if proc.returncode != 0 or not data.startswith(b"%PDF"):
        tail = "\n".join(line for line in proc.stderr.splitlines() if "dbus" not in line)[-800:]
        raise PublishError(_("{path}: Chromium could not print it to PDF (exit {code}): {output}").format(
            path=html, code=proc.returncode, output=tail))
    return data
