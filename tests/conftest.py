from __future__ import annotations

from pathlib import Path

import pytest

from report_kit import _driver

_driver.skip_slow_imports()  # pytest workers read notebooks too: ≈ 2 CPU-s less each

ROOT = Path(__file__).resolve().parent.parent
SHARED = Path(__file__).resolve().parent / "data" / "shared"  # copies of ../shared (SOURCE.md there)
SEED_PARAMS = ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml"
SEED_TEXT = SHARED / "seeds" / "000_a4b6cb633c3bf561.txt"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session", autouse=True)
def english_session():
    """REPORT_KIT_LANG=en before any fixture of any scope runs (module-scoped builds included)."""
    import os

    from report_kit import i18n

    before = os.environ.get(i18n.ENV)
    os.environ[i18n.ENV] = "en"
    yield
    if before is None:
        os.environ.pop(i18n.ENV, None)
    else:
        os.environ[i18n.ENV] = before


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch):
    """Tests assert the English msgids unless they ask for Chinese (the ``chinese`` fixture): report-kit speaks
    Chinese by default (tests/test_i18n.py proves it), and REPORT_KIT_LANG=en reaches subprocesses and kernels."""
    from report_kit import i18n

    monkeypatch.setenv(i18n.ENV, "en")
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def chinese(monkeypatch: pytest.MonkeyPatch):
    """Chinese messages, as report-kit speaks by default: REPORT_KIT_LANG unset in this process and its children."""
    from report_kit import i18n

    monkeypatch.delenv(i18n.ENV, raising=False)
    i18n.set_language(None)
    yield
    i18n.set_language(None)


@pytest.fixture
def seed_params() -> Path:
    return SEED_PARAMS


@pytest.fixture
def seed_ay():
    from report_kit.params import load

    return load(SEED_PARAMS)


def pytest_configure(config) -> None:
    # under pytest -n the tallies live in the workers: each leaves its own in a folder the controller reads
    if not hasattr(config, "workerinput"):
        import tempfile

        config._rk_tally_dir = tempfile.mkdtemp(prefix="rk-tally-")


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:  # xdist, in the controller: tell each worker where to write
    node.workerinput["rk_tally_dir"] = node.config._rk_tally_dir


def pytest_sessionfinish(session) -> None:
    import json

    from .fuzz_tally import TALLY

    worker = getattr(session.config, "workerinput", None)
    if worker and TALLY:
        out = Path(worker["rk_tally_dir"]) / f"{worker['workerid']}.json"
        out.write_text(json.dumps(TALLY), "utf-8")


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    import json
    from collections import Counter

    from .fuzz_tally import TALLY

    folder = getattr(config, "_rk_tally_dir", None)
    for part in sorted(Path(folder).glob("*.json")) if folder else ():
        for entry, counts in json.loads(part.read_text("utf-8")).items():
            TALLY[entry].update(Counter(counts))
    if not TALLY:
        return
    tr = terminalreporter
    tr.section("fuzz and fault outcomes")
    kinds = ["valid", "clean-error", "traceback", "lost-output", "orphan-kernel"]
    kinds += sorted({k for counts in TALLY.values() for k in counts} - set(kinds))  # hang, injected …
    tr.write_line(f"{'entry point':<28}{'cases':>8}" + "".join(f"{k:>15}" for k in kinds))
    for entry, counts in sorted(TALLY.items()):
        tr.write_line(f"{entry:<28}{sum(counts.values()):>8}" + "".join(f"{counts[k]:>15}" for k in kinds))


@pytest.fixture(scope="module")
def browser():
    """Headless system Chromium driven by Playwright, for the browser tests (one per test module)."""
    import os

    from report_kit.errors import PublishError
    from report_kit.export import find_chromium
    from report_kit.export._chromium import FLAGS

    sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need the test extra (playwright)")
    try:
        exe = find_chromium()
    except PublishError as exc:
        if os.environ.get("CI"):
            raise  # CI installs chromium (make system-deps): a missing browser is a failure there
        pytest.skip(str(exc))
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(exe), args=[f for f in FLAGS if f != "--headless"])
        yield b
        b.close()
