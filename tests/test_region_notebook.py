"""The region template: a jupytext pair stored without outputs, whose published cells only call the library."""

from __future__ import annotations

import jupytext
import nbformat
from jupytext.compare import compare_notebooks

from .conftest import ROOT

IPYNB = ROOT / "notebooks" / "region_summary.ipynb"
PY = ROOT / "notebooks" / "region_summary.py"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_pair_is_in_sync_and_stored_without_outputs() -> None:
    py, ipynb = jupytext.read(PY), nbformat.read(IPYNB, as_version=4)
    assert _cells(py) == _cells(ipynb), "run `.venv/bin/jupytext --sync notebooks/region_summary.ipynb`"
    compare_notebooks(py, ipynb, fmt="py:percent")
    assert all(not c.get("outputs") and c.get("execution_count") is None for c in ipynb.cells if c.cell_type == "code")
    assert py.metadata["kernelspec"]["name"] == ipynb.metadata["kernelspec"]["name"] == "python3"


def test_cells_are_library_calls() -> None:
    nb = nbformat.read(IPYNB, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "year = " in params[0].source and "parent = None" in params[0].source
    published = [c for c in nb.cells if c.cell_type == "code" and "review" not in c.metadata.get("tags", [])]
    assert len(published) >= 6 and all(c.source.startswith("rg.show_") and "\n" not in c.source for c in published)


def test_sync_check_notices_an_edit() -> None:
    edited = PY.read_text("utf-8").replace("rg.show_cases(summary)", "rg.show_cases(summary)  # edited")
    assert _cells(jupytext.reads(edited, fmt="py:percent")) != _cells(nbformat.read(IPYNB, as_version=4))
