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


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    from .fuzz_tally import TALLY

    if not TALLY:
        return
    tr = terminalreporter
    tr.section("fuzz and fault outcomes")
    kinds = ["valid", "clean-error", "traceback", "lost-output", "orphan-kernel"]
    tr.write_line(f"{'entry point':<28}{'cases':>8}" + "".join(f"{k:>15}" for k in kinds))
    for entry, counts in sorted(TALLY.items()):
        tr.write_line(f"{entry:<28}{sum(counts.values()):>8}" + "".join(f"{counts[k]:>15}" for k in kinds))
