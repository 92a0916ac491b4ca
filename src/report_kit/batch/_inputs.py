"""Content hash of everything an agency's outputs depend on, for skipping up-to-date agencies."""

from __future__ import annotations

import hashlib
from pathlib import Path

from report_kit import __version__, i18n

STAMP = ".inputs.sha256"


def inputs_hash(params: Path, previous: Path | None, template: Path, to: tuple[str, ...] = ()) -> str:
    h = hashlib.sha256()
    for part in (params, previous, template):
        h.update(part.read_bytes() if part is not None and part.is_file() else b"-")
        h.update(b"\0")
    h.update(f"{__version__}|{','.join(sorted(to))}|{i18n.language()}".encode())  # headings follow the language
    return h.hexdigest()


def up_to_date(target: Path, digest: str, to: tuple[str, ...] = ()) -> bool:
    stamp = target / STAMP
    needed = ["report.html", "report.ipynb", *(f"report.{fmt}" for fmt in to)]
    return stamp.is_file() and stamp.read_text("utf-8").strip() == digest and all(
        (target / name).is_file() for name in needed)
