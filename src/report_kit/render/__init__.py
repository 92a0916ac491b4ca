"""HTML for the report: the official tables with their merged cells, the sections, the page.

``grid.py`` lays each official table out as rows of cells (pure data, derived from the format);
``html.py`` turns grids and section content into escaped HTML fragments that the notebook
displays; ``templates/rk_report`` is the slim nbconvert template that wraps those fragments into
a self-contained, printable page.
"""

from report_kit.render.grid import Cell, table_grid
from report_kit.render.html import (
    TEMPLATE_DIR,
    TEMPLATE_NAME,
    page_css,
    section_html,
    signature_html,
    table_html,
    title_html,
)

__all__ = ["TEMPLATE_DIR", "TEMPLATE_NAME", "Cell", "page_css", "section_html", "signature_html", "table_grid",
           "table_html", "title_html"]
