"""The official report forms as data.

Each ``<id>.yaml`` beside this module describes one format issued by the State Council General
Office: its sections (official titles, which section shows which table, which ones the analyst writes,
the content each section must hold, how published reports word the heading) and every block, row and
column of tables 二, 三 and 四 with the official labels. Nothing else in report-kit knows a label or a
section by heart: the params model, the scaffold, validation messages, checks, narrative, HTML and Word
tables, the importers and the intake workbook all derive from these objects, so a new format is a new
data file.

A form not bundled yet (a new official form being tried out) is used by putting its ``<id>.yaml`` in a
folder named in the environment variable ``REPORT_KIT_FORMATS`` (several folders separated by ``:``);
kernels and workers started by report-kit inherit it.
"""

from __future__ import annotations

import os
from functools import cache
from importlib import resources
from pathlib import Path

from report_kit.errors import FormatError
from report_kit.formats._load import PARAMS_KEYS, load_format
from report_kit.formats._types import (
    REQUIREMENTS,
    SHAPES,
    TABLES,
    Block,
    Column,
    Format,
    Row,
    Section,
    Shape,
    Table,
)
from report_kit.i18n import _

ENV_VAR = "REPORT_KIT_FORMATS"


def _extra_dirs() -> tuple[str, ...]:
    return tuple(d for d in os.environ.get(ENV_VAR, "").split(os.pathsep) if d)


@cache
def _catalogue(extra: tuple[str, ...]) -> dict[str, str]:
    """Form id → the file it is read from (``pkg:<name>`` for a bundled one), for these extra folders."""
    found = {p.name.removesuffix(".yaml"): f"pkg:{p.name}" for p in resources.files(__package__).iterdir()
             if p.name.endswith(".yaml")}
    for folder in extra:
        path = Path(folder)
        if not path.is_dir():
            raise FormatError(_("{variable}: {folder} is not a folder; it should name folders holding form files "
                                "(<id>.yaml)").format(variable=ENV_VAR, folder=folder))
        for file in sorted(path.glob("*.yaml")):
            fid = file.stem
            if fid in found:
                raise FormatError(_("{path}: form {id} is already defined by {other}; give the new form its own id "
                                    "(and file name)").format(path=file, id=fid, other=found[fid].removeprefix("pkg:")))
            found[fid] = str(file)
    return found


def available() -> tuple[str, ...]:
    """Ids of every form report-kit knows: the bundled ones and those in ``REPORT_KIT_FORMATS``."""
    return tuple(sorted(_catalogue(_extra_dirs())))


@cache
def _read(where: str) -> Format:
    if where.startswith("pkg:"):
        name = where.removeprefix("pkg:")
        text = resources.files(__package__).joinpath(name).read_text("utf-8")
        return load_format(f"formats/{name}", text, name.removesuffix(".yaml"))
    path = Path(where)
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FormatError(_("{path}: cannot read the form file: {error}").format(path=path, error=exc)) from None
    return load_format(path, text, path.stem)


def get_format(format_id: str) -> Format:
    """The official format with this id ('2019', '2021', or one from ``REPORT_KIT_FORMATS``)."""
    catalogue = _catalogue(_extra_dirs())
    if format_id not in catalogue:
        raise FormatError(_("unknown report format {id}; known formats: {known}").format(
            id=repr(format_id), known=", ".join(sorted(catalogue))))
    return _read(catalogue[format_id])


def format_for_year(year: int) -> Format:
    """The format prescribed for a report year: of the forms covering it, the one issued last."""
    covering = [f for f in map(get_format, available()) if f.covers(year)]
    if not covering:
        raise FormatError(_("no official format covers report year {year}").format(year=year))
    return max(covering, key=lambda f: f.first_year)


__all__ = ["ENV_VAR", "PARAMS_KEYS", "REQUIREMENTS", "SHAPES", "TABLES", "Block", "Column", "Format", "Row",
           "Section", "Shape", "Table", "available", "format_for_year", "get_format"]
