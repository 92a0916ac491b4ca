"""Where params files are: the one rule that `check`, `run`, `build` and the notebook's previous year share.

The layout is ``<params root>/<year>/<slug>.yaml`` with the agency registry at ``<params root>/agencies.yaml``.
A folder named on the command line is searched below it for ``*.yaml`` (hidden files and folders, such as
Jupyter's ``.ipynb_checkpoints``, and the registry are not params files; symlinked folders are not followed);
a file named on the command line is taken as it is. Whether a file's place agrees with what it says is
``identity``'s job.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

REGISTRY = "agencies.yaml"
YEAR_FOLDER = re.compile(r"[0-9]{4}")  # ASCII digits only: "²" or "٢٠٢٤" is not a year folder


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Params files named directly or found below folders, each once, in a stable order per argument."""
    out: list[Path] = []
    seen: set[Path] = set()

    def add(p: Path) -> None:
        key = Path(os.path.abspath(p))
        if key not in seen:
            seen.add(key)
            out.append(p)

    for given in paths:
        p = Path(given)
        if not p.is_dir():
            add(p)  # a missing or odd file is reported by whoever reads it, with its name
            continue
        found: list[Path] = []
        for folder, dirs, files in os.walk(p):  # followlinks=False: a linked folder is not part of the tree
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            found.extend(Path(folder) / f for f in files
                         if f.endswith(".yaml") and not f.startswith(".") and f != REGISTRY)
        for f in sorted(found):
            add(f)
    return out


def year_of_folder(path: str | Path) -> int | None:
    """The year a params file's folder names (``params/2024/x.yaml`` → 2024), None outside a year folder."""
    name = Path(path).parent.name
    return int(name) if YEAR_FOLDER.fullmatch(name) else None


def params_root(path: str | Path) -> Path | None:
    """The params root above a file's year folder, None when the file is not in a year folder."""
    return Path(path).parent.parent if year_of_folder(path) is not None else None


def slot(root: str | Path, year: int, slug: str) -> Path:
    """Where the params file of an agency-year belongs."""
    return Path(root) / str(year) / f"{slug}.yaml"


def previous_path(path: str | Path, year: int, slug: str) -> Path | None:
    """The same agency's params for ``year - 1`` beside this file's year folder, when something is there."""
    root = params_root(path)
    if root is None:
        return None
    candidate = slot(root, year - 1, slug)
    # whatever is there (a folder, a FIFO, a dangling link) is loaded and refused, never silently skipped
    return candidate if os.path.lexists(candidate) else None


def registry_path(root: str | Path) -> Path:
    return Path(root) / REGISTRY


def registry_for(path: str | Path) -> Path | None:
    """The agency registry of the tree a params file belongs to, when there is one."""
    root = params_root(path)
    if root is None:
        return None
    reg = registry_path(root)
    return reg if reg.is_file() else None
