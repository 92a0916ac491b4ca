from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEED_PARAMS = ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml"
SEED_TEXT = SHARED / "seeds" / "000_a4b6cb633c3bf561.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def seed_params() -> Path:
    return SEED_PARAMS


@pytest.fixture
def seed_ay():
    from report_kit.params import load

    return load(SEED_PARAMS)
