"""Short commands start fast: `report-kit check` of one file and `report-kit rules` import only what they use.

Each command runs in a fresh interpreter (a subprocess, as a pre-commit hook runs it); afterwards the
heavy libraries of the other commands (openpyxl, python-docx, bs4, nbconvert, and the kernel machinery)
must not be in sys.modules. bench/check_speed.py measures the time; nothing here is timed.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import SEED_PARAMS

HEAVY = ("openpyxl", "docx", "bs4", "nbconvert", "papermill", "nbclient", "jupyter_client", "zmq", "IPython")
PROBE = """
import contextlib, io, json, sys
from report_kit.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "modules": sorted(sys.modules)}))
"""


def _run(*args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("args", [("check", str(SEED_PARAMS)), ("rules",), ("rules", "--format", "json")],
                         ids=["check one file", "rules", "rules json"])
def test_short_commands_import_no_heavy_library(args: tuple[str, ...]) -> None:
    result = _run(*args)
    assert result["out"]  # the command did its job
    loaded = {m.split(".")[0] for m in result["modules"]}
    assert sorted(loaded & set(HEAVY)) == []


def test_help_still_lists_every_command() -> None:
    done = subprocess.run([sys.executable, "-m", "report_kit", "--help"], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0
    for command in ("new", "run", "build", "diff", "check", "rules", "findings", "import", "audit", "demo",
                    "sheet"):
        assert command in done.stdout

