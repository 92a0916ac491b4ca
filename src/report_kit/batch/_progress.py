"""Progress of a batch: a live bar on a terminal, one plain line per agency otherwise."""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any

from report_kit._terminal import printable
from report_kit.batch._executor import AgencyStatus
from report_kit.i18n import N_, _

# what each status is called on the progress lines (the status values themselves stay English: summary.csv)
WORDS = {"built": N_("built"), "skipped": N_("skipped"), "failed": N_("failed"), "missing": N_("missing")}


def _word(status: str) -> str:
    return _(WORDS[status]) if status in WORDS else status


def _pad(text: str, width: int) -> str:
    """Left-justify by terminal cells (a Chinese character takes two)."""
    from rich.cells import cell_len

    return text + " " * max(0, width - cell_len(text))


class Reporter:
    def __init__(self, total: int = 0) -> None:
        self.total = total  # 0: not known in advance
        self.counts = {"built": 0, "skipped": 0, "failed": 0, "missing": 0}
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> Reporter:
        if sys.stderr.isatty():
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

            self._progress = Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                      TextColumn("{task.fields[detail]}"), TimeRemainingColumn(), transient=False)
            self._progress.start()
            self._task = self._progress.add_task(_("building"), total=self.total or None, detail="")
        return self

    def set_total(self, total: int) -> None:
        self.total = total
        if self._progress is not None:
            self._progress.update(self._task, total=total)

    def done(self, s: AgencyStatus) -> None:
        self.counts[s.status] = self.counts.get(s.status, 0) + 1
        detail = ", ".join(f"{_word(k)} {v}" for k, v in self.counts.items() if v)
        if self._progress is not None:
            from rich.markup import escape

            self._progress.update(self._task, advance=0 if s.status == "missing" else 1, detail=detail)
            if s.status == "failed":
                word, what = escape(_word("failed")), escape(printable(s.params or s.slug))
                self._progress.console.print(f"[red]{word}[/red] {what}")
        else:
            where = s.outputs / "report.html" if s.outputs and s.status in ("built", "skipped") else s.params or s.slug
            n = sum(v for k, v in self.counts.items() if k != "missing")
            took = " " + _("({seconds} s)").format(seconds=f"{s.seconds:.1f}") if s.seconds else ""
            print(printable(f"[{n}/{self.total or '?'}] {_pad(_word(s.status), 7)} {where}{took}"), flush=True)

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._progress is not None:
            self._progress.stop()
