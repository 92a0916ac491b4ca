"""Starting, limiting and cleaning up the Jupyter kernels that run the template notebook.

Two start methods, one per provisioner (``_provisioners``):

- ``fork`` (default where available: Linux ≥ 5.3): each process that runs notebooks keeps one fork parent
  that has imported ipykernel, IPython, pandas and report_kit (``_parent``); every agency gets a brand-new
  kernel process forked from it, so it starts in milliseconds instead of seconds and shares nothing with
  the agency before it. The parent lives as long as the process (a build worker: one build) and is
  replaced once report_kit's files change.
- ``spawn``: a new interpreter per kernel (jupyter_client's way). Windows and macOS have no pidfd (macOS
  has fork, but forking a process that has imported its system frameworks is unsafe there), and older
  Linux kernels (before 5.3, such as 4.19 in some domestic distributions on ARM) have no pidfd_open:
  ``spawn`` is the default there.

Either way a kernel dies with its owner (parent-death signal) and has a CPU budget derived from the
timeout (``_limits``), listens on Unix sockets in a private folder of its owner process that is swept once
that process is gone (``_home``), and is managed by one kernel manager class (``_manager``).
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

from report_kit.kernels._home import HOME_PREFIX, home, sweep
from report_kit.kernels._limits import cpu_budget

START_METHODS = ("fork", "spawn")
# imported by the template's cells (report_kit.notebook imports some lazily): the fork parent's share
PRELOAD = ("pandas", "pandas.io.formats.html", "pandas.io.formats.string", "report_kit", "report_kit.checks",
           "report_kit.narrative", "report_kit.notebook", "report_kit.render")

__all__ = ["HOME_PREFIX", "START_METHODS", "cpu_budget", "death_note", "default_start", "fork_available", "home",
           "manager_class", "manager_for", "stop_fork_parent", "sweep"]


def fork_available() -> bool:
    from report_kit import platform
    from report_kit.kernels import _fork

    return not platform.forced() and _fork.available()


def default_start() -> str:
    """fork where it is available (byte-identical reports, tested), spawn elsewhere."""
    return "fork" if fork_available() else "spawn"


def manager_class(start: str, cpu_seconds: int | None = None, preload: tuple[str, ...] = ()) -> type:
    """The kernel manager class for ``start`` ("fork" or "spawn"), kernels limited to ``cpu_seconds``."""
    from report_kit.kernels._manager import manager_class as make

    return make(start, cpu_seconds, preload)


def manager_for(template: Path, timeout: float | None, start: str | None = None) -> type:
    """The kernel manager class for running ``template`` with ``timeout`` seconds per cell."""
    from report_kit.errors import PipelineError
    from report_kit.i18n import _

    start = start or default_start()
    if start not in START_METHODS:
        raise PipelineError(_("--kernel-start: one of {choices}, got {value}").format(
            choices=", ".join(START_METHODS), value=repr(start)))
    if start == "fork" and not fork_available():
        from report_kit import platform

        why = (_("{variable} is set").format(variable=platform.FORCE_ENV) if platform.forced()
               else _("it needs Linux 5.3 or later (pidfd)"))
        raise PipelineError(_("--kernel-start fork is unavailable: {why}; use --kernel-start spawn").format(why=why))
    cells, imports = _template_code(template)
    return manager_class(start, cpu_budget(timeout, cells), tuple(dict.fromkeys([*PRELOAD, *imports])))


def _template_code(template: Path) -> tuple[int, list[str]]:
    """How many code cells the template has, and the modules they import at top level."""
    try:
        cells = [c for c in json.loads(template.read_text("utf-8")).get("cells", [])
                 if c.get("cell_type") == "code"]
    except (OSError, ValueError, AttributeError):  # papermill reports an unreadable template itself
        return 1, []
    names: list[str] = []
    for cell in cells:
        source = cell.get("source", "")
        try:
            tree = ast.parse(source if isinstance(source, str) else "".join(source))
        except SyntaxError:  # IPython magics: nothing to learn from this cell
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return len(cells), names


def death_note() -> str:
    """Why the kernel of this thread's last notebook died, as a clause for an error message ('' if unknown)."""
    from report_kit.i18n import _
    from report_kit.kernels._limits import describe_exit
    from report_kit.kernels._provisioners import last_exit

    code = last_exit()
    return "" if code is None else _(" ({why})").format(why=describe_exit(code))


def stop_fork_parent() -> None:
    """Stop this process's fork parent now (it also stops when the process ends)."""
    from report_kit.kernels import _fork

    _fork.stop()
