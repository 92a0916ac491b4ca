"""report.html: the executed notebook's published cells through the slim nbconvert template ``rk_report``."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

REVIEW_TAG = "review"


@cache
def html_exporter() -> Any:
    """One configured exporter per process: template compilation happens once."""
    from nbconvert import HTMLExporter
    from nbconvert.preprocessors import TagRemovePreprocessor
    from traitlets.config import Config

    from report_kit.render import TEMPLATE_DIR, TEMPLATE_NAME

    config = Config()
    config.TagRemovePreprocessor.remove_cell_tags = {REVIEW_TAG}
    config.TagRemovePreprocessor.enabled = True
    config.HTMLExporter.optimistic_validation = True  # validate once, after the preprocessors, not after each
    exporter = HTMLExporter(config=config, template_name=TEMPLATE_NAME,
                            extra_template_basedirs=[str(TEMPLATE_DIR)])
    exporter.register_preprocessor(TagRemovePreprocessor(config=config), enabled=True)
    return exporter


def report_html(nb: nbformat.NotebookNode) -> str:
    body, _ = html_exporter().from_notebook_node(nb)
    return body
