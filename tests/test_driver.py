"""report_kit._driver: what a build worker loads once (forkserver preload) and the slow import it skips; and the
review page's remembered code highlighting (report_kit.export._review)."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys

import nbformat
import pytest

from report_kit import export


def _installed(distribution: str) -> bool:
    """By its metadata: this test process itself skips the import (tests/conftest.py), so find_spec cannot tell."""
    try:
        importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


HAS_RFC3987_SYNTAX = _installed("rfc3987-syntax")


def _run(code: str) -> dict[str, object]:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


PROBE = """
import json, os, sys, threading
{setup}
import nbformat
nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
nbformat.validate(nb)
print(json.dumps({{"rfc": sys.modules.get("rfc3987_syntax") is not None, "threads": threading.active_count(),
                  "os_threads": len(os.listdir("/proc/self/task")) if os.path.isdir("/proc/self/task") else 1,
                  "loaded": sorted(m for m in ("papermill", "nbclient", "nbconvert", "bs4", "docx", "zmq")
                                   if m in sys.modules)}}))
"""


@pytest.mark.skipif(not HAS_RFC3987_SYNTAX, reason="rfc3987_syntax is not installed: nothing to skip")
def test_notebooks_are_read_and_validated_without_rfc3987_syntax() -> None:
    before = _run(PROBE.format(setup=""))
    assert before["rfc"], "jsonschema no longer imports rfc3987_syntax: report_kit._driver can drop the skip"
    after = _run(PROBE.format(setup="from report_kit import _driver; _driver.skip_slow_imports()"))
    assert after["rfc"] is False


def test_the_forkserver_preload_imports_the_libraries_and_starts_no_thread() -> None:
    """The forkserver forks every worker from this state: a thread there would be lost (locks held) in each."""
    got = _run(PROBE.format(setup="from report_kit import _driver; _driver.preload()"))
    assert got["loaded"] == ["bs4", "docx", "nbclient", "nbconvert", "papermill", "zmq"]
    assert got["threads"] == 1 and got["os_threads"] == 1
    assert got["rfc"] is False


def _notebook(lexer: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = {'a': 1}\nprint(x)", id="c1")])
    nb.metadata["language_info"] = {"name": "python", "pygments_lexer": lexer}
    return nb


def test_review_page_highlighting_is_remembered_per_lexer() -> None:
    """The same code is highlighted once per lexer: a notebook of another kernel language is not given the
    first one's highlighting."""
    first = export.review_html(_notebook("ipython3"))
    assert "hl-ipython3" in first
    assert export.review_html(_notebook("ipython3")) == first
    other = export.review_html(_notebook("python"))
    assert "hl-python" in other and "hl-ipython3" not in other
