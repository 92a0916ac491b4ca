"""Spreadsheet intake: a workbook for departments to fill in, read back into params files.

``new_workbook`` writes one protected sheet per registered agency, laid out like the official
tables (labels from the format, one unlocked cell per figure) plus the analyst's text sections, and a
hidden layout sheet that records where every label and input cell is. ``import_workbook`` reads a
filled workbook back through that record: it checks every label cell still reads its official
label, turns each input cell into a figure or a located problem (``file!sheet!cell: label: what``),
validates the result with the params schema (``params.dumps`` then ``params.loads``) and writes
``<out>/<year>/<slug>.yaml`` atomically, one file per sheet that has no problem.

Layout (``_layout``: where each label and input cell goes, from the form), writing (``_write``),
reading the file defensively (``_xlsx``) and turning its cells into params (``_read``) are separate
modules, like the importers.
"""

from report_kit.sheets._layout import BLANK_SHEET, INFO_SHEET, LAYOUT_SHEET, Layout, Slot, workbook_layout
from report_kit.sheets._read import CellProblem, ImportResult, import_workbook
from report_kit.sheets._write import new_workbook
from report_kit.sheets._xlsx import MAX_BYTES

__all__ = ["BLANK_SHEET", "INFO_SHEET", "LAYOUT_SHEET", "MAX_BYTES", "CellProblem", "ImportResult",
           "Layout", "Slot", "import_workbook", "new_workbook", "workbook_layout"]
