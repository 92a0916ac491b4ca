"""What a process that drives notebooks (a build worker, ``report-kit run``) loads once, and an import it skips.

- ``skip_slow_imports()``: jsonschema (which nbformat imports) imports ``rfc3987_syntax`` at its own import
  whenever it is installed, and it is (jupyterlab → jupyter_server → jupyter_events →
  jsonschema[format-nongpl]). That module compiles its Earley grammars at import: ≈ 2 CPU-s in every process
  that reads or writes a notebook, more than the rest of a build worker's imports together. It only serves
  jsonschema's ``iri``/``iri-reference`` format checkers, which nothing here uses (nbformat validates without a
  format checker). Marking it absent makes jsonschema leave those two checkers out, through its own
  ``suppress(ImportError)`` (jsonschema issue 1428; a maintained lazy fork is not used by jsonschema 4.26).
- ``preload()``: the libraries a build worker runs notebooks and writes output sets with (nbformat,
  papermill, nbclient, jupyter_client, zmq, nbconvert, bs4, python-docx, pydantic …), imported by the build's
  forkserver (``report_kit.batch._preload``) so that every worker forked from it starts with them
  (copy-on-write) instead of importing them itself: once per build, not once per worker. report_kit's own
  modules and templates are not preloaded: the forkserver lives as long as the process that started it, and a
  worker must see report_kit's files as they are when it starts (as the kernels' fork parent does).

Only a driver process calls these: kernels never import nbformat, and a user's notebook keeps jsonschema whole.
"""

from __future__ import annotations

import sys

SLOW_OPTIONAL = ("rfc3987_syntax",)


def skip_slow_imports() -> None:
    """Make the optional modules in ``SLOW_OPTIONAL`` fail to import (unless one is imported already)."""
    for name in SLOW_OPTIONAL:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]  # None in sys.modules: ImportError


# third-party modules only (see above); each one's import is what a worker would otherwise pay
PRELOAD = ("nbformat", "nbclient", "jupyter_client.manager", "zmq", "papermill", "papermill.engines",
           "papermill.translators", "nbconvert", "nbconvert.preprocessors", "nbconvert.filters", "bs4", "bleach",
           "pygments.lexers.python", "docx", "pydantic", "jinja2", "ruamel.yaml", "yaml")


def preload() -> None:
    """Import ``PRELOAD`` (a module that fails to import is left to fail again where it is used)."""
    import importlib

    skip_slow_imports()
    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except Exception:  # the forkserver must start whatever happens here
            continue
