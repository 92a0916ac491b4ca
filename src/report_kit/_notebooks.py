"""Executed report notebooks read back (`diff`, `findings`): any file may be hand-made, truncated or hostile.

A report.ipynb is JSON a person can edit: nested 100,000 deep (RecursionError), a list where a mapping
belongs (TypeError, AttributeError), cells without keys (KeyError), not UTF-8 (UnicodeDecodeError). Each
becomes a BuildReadError naming the file, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from report_kit._readers import read_limited
from report_kit.errors import BuildReadError, InputFileError
from report_kit.i18n import N_, _

if TYPE_CHECKING:
    import nbformat

MAX_NOTEBOOK_BYTES = 64 * 1024 * 1024  # an executed report is well under 5 MB
# what malformed JSON structure raises in code that expects a notebook's shape
MALFORMED = (ValueError, TypeError, KeyError, AttributeError, IndexError, RecursionError)


def notebook_json(path: Path, *, follow_links: bool = True) -> dict[str, Any]:
    """The notebook file's JSON object, or BuildReadError (unreadable, too large, not JSON, not an object)."""
    try:
        raw = read_limited(path, MAX_NOTEBOOK_BYTES, what=N_("an executed report is a few MB at most"),
                           follow_links=follow_links)
        data = json.loads(raw.decode("utf-8"))
    except InputFileError as exc:
        raise BuildReadError(str(exc)) from None
    except RecursionError:
        message = _("{path}: not a readable notebook: JSON nested far too deeply").format(path=path)
        raise BuildReadError(message) from None
    except json.JSONDecodeError as exc:  # the decoder's own words are English: say where, in the user's language
        why = _("not JSON (line {line}, column {column})").format(line=exc.lineno, column=exc.colno)
        raise BuildReadError(_("{path}: not a readable notebook: {why}").format(path=path, why=why)) from None
    except UnicodeDecodeError:
        why = _("not UTF-8 text")
        raise BuildReadError(_("{path}: not a readable notebook: {why}").format(path=path, why=why)) from None
    except ValueError as exc:
        raise BuildReadError(_("{path}: not a readable notebook: {why}").format(path=path, why=exc)) from None
    if not isinstance(data, dict):
        raise BuildReadError(_("{path}: not a readable notebook: the JSON is a {kind}, not an object").format(
            path=path, kind=type(data).__name__))
    return data


def read_notebook(path: Path, *, follow_links: bool = True) -> nbformat.NotebookNode:
    """The notebook as nbformat version 4, validated against the notebook schema, or BuildReadError."""
    import nbformat

    data = notebook_json(path, follow_links=follow_links)
    try:
        nb = nbformat.convert(nbformat.from_dict(data), 4)
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        first = str(exc.message).splitlines()[0][:200]
        raise BuildReadError(_("{path}: not a valid notebook: {why}").format(path=path, why=first)) from None
    except MALFORMED as exc:
        why = f"{type(exc).__name__}: {exc}"
        raise BuildReadError(_("{path}: not a valid notebook ({why})").format(path=path, why=why)) from None
    return nb
