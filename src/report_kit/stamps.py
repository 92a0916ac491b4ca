"""What decides "up to date": a digest of everything that can change an agency-year's outputs.

Each input is a named part with its own SHA-256, so the stamp an output set carries (``.inputs.json``) can
say which part changed (``build --explain``):

- ``params``: the params file; ``previous``: last year's params (``-`` when there is none);
- ``registry``: the agency's registry entry (``-`` without a registry);
- ``template``: the template notebook;
- ``package/<path>``: every file of the installed report_kit package — its code and what rendering reads
  (forms, phrases, templates, CSS);
- ``library/<name>``: the Python version and the versions of the libraries that shape the files;
- ``options``: what changes outputs (the set of files: docx, pdf; the kernel).

Timeouts, job counts and the warm-kernel mode do not change outputs, so they are not parts.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import metadata
from pathlib import Path

from report_kit import i18n
from report_kit.i18n import N_, _
from report_kit.registry import Agency

STAMP = ".inputs.json"
NONE = "-"
LIBRARIES = ("nbconvert", "nbformat", "nbclient", "papermill", "python-docx", "jinja2", "pandas", "ipykernel")
PACKAGE_ROOT = Path(__file__).resolve().parent
_SKIP_DIRS = {"__pycache__"}


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _file(path: Path | None) -> str:
    if path is None:
        return NONE
    return sha256(path.read_bytes())


@cache
def package_parts() -> Mapping[str, str]:
    """``package/<relative path>`` → digest for every file of the installed package (once per process)."""
    out = {}
    for p in sorted(PACKAGE_ROOT.rglob("*")):
        rel = p.relative_to(PACKAGE_ROOT)
        if p.is_file() and not _SKIP_DIRS & set(rel.parts) and p.suffix not in (".pyc", ".pyo"):
            out[f"package/{rel.as_posix()}"] = _file(p)
    return out


@cache
def library_parts() -> Mapping[str, str]:
    out = {"library/python": sys.version.split()[0]}
    for name in LIBRARIES:
        try:
            out[f"library/{name}"] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[f"library/{name}"] = NONE
    return out


@dataclass(frozen=True)
class Inputs:
    """The named parts of one agency-year's inputs; ``digest`` is what "up to date" compares."""

    parts: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return sha256("".join(f"{k}={v}\n" for k, v in sorted(self.parts.items())).encode())

    def to_bytes(self) -> bytes:
        return (json.dumps({"digest": self.digest, "parts": dict(sorted(self.parts.items()))},
                           ensure_ascii=False, indent=0) + "\n").encode()

    @classmethod
    def from_bytes(cls, data: bytes) -> Inputs | None:
        try:
            doc = json.loads(data)
            parts = doc["parts"]
            if not isinstance(parts, dict) or not all(isinstance(v, str) for v in parts.values()):
                return None
            got = cls({str(k): v for k, v in parts.items()})
            return got if got.digest == doc.get("digest") else None  # a damaged stamp describes nothing
        except (ValueError, KeyError, TypeError):
            return None


def options_part(formats: Sequence[str], kernel: str | None) -> str:
    return f"files={','.join(sorted(formats))};kernel={kernel or ''}"


def inputs_for(params: Path, previous: Path | None, agency: Agency | None, template: Path,
               formats: Sequence[str], kernel: str | None) -> Inputs:
    parts = {
        "params": _file(params),
        "previous": _file(previous),
        "registry": sha256(agency.model_dump_json().encode()) if agency is not None else NONE,
        "template": _file(template),
        "options": options_part(formats, kernel),
        "language": i18n.language(),  # the notebook's headings follow it
        **package_parts(),
        **library_parts(),
    }
    return Inputs(parts)


_NAMES = {"params": N_("the params file"), "previous": N_("last year's params"),
          "registry": N_("the registry entry"), "template": N_("the template notebook"),
          "options": N_("the output files or kernel asked for"),
          "language": N_("the language of the notebook's headings")}


def changed(old: Inputs, new: Inputs) -> list[str]:
    """The part names that differ (added and removed parts included), sorted."""
    keys = set(old.parts) | set(new.parts)
    return sorted(k for k in keys if old.parts.get(k) != new.parts.get(k))


def describe(names: Iterable[str], limit: int = 4) -> str:
    """``['params', 'package/narrative/phrases.yaml']`` → "the params file, narrative/phrases.yaml changed"."""
    shown = []
    for n in names:
        if n.startswith("package/"):
            shown.append(n.removeprefix("package/"))
        elif n.startswith("library/"):
            shown.append(_("the {library} version").format(library=n.removeprefix("library/")))
        else:
            shown.append(_(_NAMES[n]) if n in _NAMES else n)
    names = ", ".join(shown[:limit])
    if len(shown) > limit:
        names = _("{names} and {n} more").format(names=names, n=len(shown) - limit)
    return _("{names} changed").format(names=names)
