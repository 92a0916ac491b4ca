"""The template notebook: stored without outputs, parameters cell first, review cells tagged."""

from __future__ import annotations

import nbformat
import pytest

from .conftest import ROOT

TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"


def test_template_is_stored_without_outputs() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    nbformat.validate(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_parameters_cell_defaults_to_the_seed() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    params = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    assert "../params/2019/zhuzhou-county-kgxj.yaml" in params[0].source
    assert (TEMPLATE.parent / "../params/2019/zhuzhou-county-kgxj.yaml").resolve().is_file()


def test_publish_cells_show_the_six_sections_in_order() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    publish = [c.source for c in nb.cells if c.cell_type == "code" and "review" not in c.metadata.get("tags", [])]
    assert publish[0] == "nbk.show_title(ay)"
    keys = [s.split('"')[1] for s in publish[1:]]
    assert keys == ["总体情况", "主动公开", "依申请公开", "复议诉讼", "问题及改进", "其他事项"]


def test_cells_stay_short() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    assert all(len(c.source.splitlines()) <= 8 for c in nb.cells if c.cell_type == "code")


@pytest.mark.slow
def test_template_runs_top_to_bottom_as_it_is() -> None:
    """What an analyst gets in JupyterLab: Run All on the template renders the seed report."""
    from nbclient import NotebookClient

    nb = nbformat.read(TEMPLATE, as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(TEMPLATE.parent)}}).execute()
    html = "".join(o.get("data", {}).get("text/html", "") for c in nb.cells if c.cell_type == "code"
                   for o in c.outputs)
    assert "株洲县经济科技信息化局2019年政府信息公开工作年度报告" in html
    assert "六、其他需要报告的事项" in html
