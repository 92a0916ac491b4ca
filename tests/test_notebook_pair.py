"""The template's jupytext pair: notebooks/annual_report.py (percent format) says what the .ipynb says."""

from __future__ import annotations

from pathlib import Path

import jupytext
import nbformat
from jupytext.compare import compare_notebooks
from jupytext.config import find_jupytext_configuration_file, load_jupytext_configuration_file

from .conftest import ROOT

NOTEBOOKS = ROOT / "notebooks"
IPYNB = NOTEBOOKS / "annual_report.ipynb"
PY = NOTEBOOKS / "annual_report.py"
FIX = "run `.venv/bin/jupytext --sync notebooks/annual_report.ipynb` (or save the notebook in `make lab`)"


def _cells(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    return [(c.cell_type, c.source.strip(), sorted(c.metadata.get("tags", []))) for c in nb.cells]


def test_notebooks_folder_pairs_ipynb_with_percent_scripts() -> None:
    path = find_jupytext_configuration_file(str(NOTEBOOKS))
    assert path is not None and Path(path).resolve() == (NOTEBOOKS / "jupytext.toml").resolve()
    config = load_jupytext_configuration_file(path)
    assert config.formats in ("ipynb,py:percent", ["ipynb,py:percent"])


def test_py_is_percent_format_with_the_template_kernel() -> None:
    text = PY.read_text("utf-8")
    assert "format_name: percent" in text and "# %%" in text
    py, ipynb = jupytext.read(PY), nbformat.read(IPYNB, as_version=4)
    assert py.metadata["kernelspec"]["name"] == ipynb.metadata["kernelspec"]["name"]


def test_pair_is_in_sync() -> None:
    py = jupytext.read(PY)
    ipynb = nbformat.read(IPYNB, as_version=4)
    assert _cells(py) == _cells(ipynb), f"notebooks/annual_report.py and .ipynb differ: {FIX}"
    compare_notebooks(py, ipynb, fmt="py:percent")  # jupytext's own round-trip comparison (raises)


def test_sync_check_notices_an_edit() -> None:
    """The check can fail: an edited cell in the script no longer matches the notebook."""
    py = jupytext.reads(PY.read_text("utf-8").replace("nbk.show_figures(ay)", "nbk.show_figures(ay)  # edited"),
                        fmt="py:percent")
    assert _cells(py) != _cells(nbformat.read(IPYNB, as_version=4))
