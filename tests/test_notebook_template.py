"""The template notebook: stored without outputs, parameters cell first, review cells tagged."""

from __future__ import annotations

import nbformat
import pytest

from report_kit.formats import get_format

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


def test_publish_cells_show_the_title_then_every_section_of_the_form_then_the_signature() -> None:
    nb = nbformat.read(TEMPLATE, as_version=4)
    publish = [c.source for c in nb.cells if c.cell_type == "code" and "review" not in c.metadata.get("tags", [])]
    assert publish[0] == "nbk.show_title(ay)"
    # one cell loops over the sections compose() returns, so a form with other sections needs no new cell
    assert len(publish) == 3 and publish[1].startswith("for section in sections:")
    assert "nbk.show_section(sections, ay, section.key)" in publish[1]
    assert publish[2] == "nbk.show_signature(ay)"  # the 落款 closes the report


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
    titles = [s.title for s in get_format("2019").sections]
    assert [html.find(t) for t in titles] == sorted(html.find(t) for t in titles) and html.find(titles[0]) > 0
