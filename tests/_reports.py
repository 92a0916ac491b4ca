"""Reports built once per test process for the browser, Word and PDF tests.

Two real agencies: the seed (2019 format) and 上海市科委 2024 (2021 format). Each is built by the
real pipeline (papermill + nbconvert) into a temporary folder that is removed at exit.
Artefacts a person should look at (screenshots) go to ``outputs/test-artifacts/`` in the repo, or
to ``$RK_TEST_ARTIFACTS`` when set.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path

from report_kit import params
from report_kit.model import AgencyYear

from .conftest import ROOT

REPORTS = {
    "seed-2019": ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml",
    "kewei-2021": ROOT / "params" / "2024" / "shanghai-kewei.yaml",
}
ARTIFACTS = Path(os.environ.get("RK_TEST_ARTIFACTS") or ROOT / "outputs" / "test-artifacts")


@cache
def _outputs_root() -> Path:
    root = Path(tempfile.mkdtemp(prefix="rk-built-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)
    return root


@cache
def built(key: str) -> Path:
    """The folder holding report.ipynb and report.html of REPORTS[key], built on first use."""
    from report_kit import pipeline

    result = pipeline.run(REPORTS[key], _outputs_root())
    return result.html.parent


def agency_year(key: str) -> AgencyYear:
    return params.load(REPORTS[key])


def artifact(name: str) -> Path:
    path = ARTIFACTS / name
    path.parent.mkdir(parents=True, exist_ok=True)
    return path
