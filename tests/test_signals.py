"""Ctrl-C and SIGTERM stop a build or a run at once: nothing new written, kernels stopped, the index consistent,
one line, exit 130/143 (issue 12, item 4), and --timeout cannot switch the limit off (item 5)."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from dataclasses import replace
from pathlib import Path

import nbformat
import pytest

from report_kit import params
from report_kit.batch import BuildLock

from ._hardening import tagged_env, tagged_processes, wait_gone
from .checks_support import consistent
from .conftest import ROOT
from .fuzz_tally import count

TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"
SLOW_CELL = "import time\nif ay.slug.startswith('slow'):\n    time.sleep(120)"


def _tree(tmp: Path, slugs: list[str]) -> Path:
    for slug in slugs:
        path = tmp / "params" / "2023" / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(params.dumps(replace(consistent(year=2023), slug=slug)), encoding="utf-8")
    nb = nbformat.read(TEMPLATE, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "load_params(" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(SLOW_CELL, metadata={"tags": ["review"]}))
    (tmp / "notebooks").mkdir()
    nbformat.write(nb, tmp / "notebooks" / "annual_report.ipynb")
    return tmp


def _kernels(tag: str) -> list[int]:
    return [p.pid for p in tagged_processes(tag) if p.kernel]


def _wait_for(predicate, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.slow
@pytest.mark.parametrize("how", ["ctrl-c", "sigterm"])
def test_an_interrupted_build_stops_at_once_and_writes_nothing_new(tmp_path: Path, how: str) -> None:
    """Before: Ctrl-C let the queued agencies build and write after the interrupt (6 of 8 in one run) and printed
    asyncio "Task exception was never retrieved" tracebacks."""
    root = _tree(tmp_path, ["fast-1", "fast-2", "slow-1", "slow-2", "slow-3", "slow-4"])
    tag = f"rk-signal-{os.getpid()}-{how}"
    proc = subprocess.Popen([sys.executable, "-m", "report_kit", "build", "--jobs", "2"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=tagged_env(tag),
                            start_new_session=True)
    out = root / "outputs" / "2023"
    try:
        # both fast agencies built, then two slow ones running in kernels
        assert _wait_for(lambda: (out / "fast-1" / "report.html").is_file() and (out / "fast-2" /
                                                                                 "report.html").is_file())
        assert _wait_for(lambda: len(_kernels(tag)) == 2)
        time.sleep(1)
        sent = time.monotonic()
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # what a terminal does: the whole foreground group
        else:
            os.kill(proc.pid, signal.SIGTERM)  # what a service manager does: the build process only
        stdout, stderr = proc.communicate(timeout=60)
        took = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == (130 if how == "ctrl-c" else 143), stderr
    assert took < 15, f"took {took:.1f} s to stop"
    assert stderr.strip().splitlines() == ["interrupted: 2 built, 4 not started"], stderr
    assert "Traceback" not in stdout + stderr and "Task exception" not in stdout + stderr
    left = wait_gone(tag, grace=5)
    assert not left, f"still running after the interrupt: {left}"
    # nothing new: only the two agencies finished before the signal have folders, no stage is left behind
    assert sorted(os.listdir(out)) == [".fast-1.lock", ".fast-2.lock", ".slow-1.lock", ".slow-2.lock",
                                       "fast-1", "fast-2", "index.html"] or \
        sorted(n for n in os.listdir(out) if not n.endswith(".lock")) == ["fast-1", "fast-2", "index.html"]
    rows = list(csv.DictReader((root / "outputs" / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert sorted((r["slug"], r["status"]) for r in rows) == [
        ("fast-1", "ok"), ("fast-2", "ok"), ("slow-1", "outdated"), ("slow-2", "outdated"), ("slow-3", "outdated"),
        ("slow-4", "outdated")]
    with BuildLock(root / "outputs"):
        pass  # the lock is free
    count("signals (build)", "valid")


@pytest.mark.slow
def test_an_interrupted_run_stops_its_kernel_and_says_so(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["slow-1"])
    tag = f"rk-signal-run-{os.getpid()}"
    proc = subprocess.Popen([sys.executable, "-m", "report_kit", "run", "params/2023/slow-1.yaml"], cwd=root,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=tagged_env(tag),
                            start_new_session=True)
    try:
        assert _wait_for(lambda: len(_kernels(tag)) == 1)
        time.sleep(1)
        os.kill(proc.pid, signal.SIGTERM)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert proc.returncode == 143
    assert stderr.strip().splitlines() == ["interrupted: 0 built, 1 not started"], stderr
    assert not wait_gone(tag, grace=5)
    assert not (root / "outputs" / "2023" / "slow-1").exists()
    count("signals (run)", "valid")


@pytest.mark.parametrize("value", ["0", "-5", "nan", "inf", "soon"])
def test_a_timeout_that_would_switch_the_limit_off_is_refused(tmp_path: Path, value: str) -> None:
    for cmd in (["run", str(ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml")], ["build"]):
        result = subprocess.run([sys.executable, "-m", "report_kit", *cmd, "--timeout", value, "--outputs",
                                 str(tmp_path / "out")], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert result.returncode == 2 and "--timeout" in result.stderr and "Traceback" not in result.stderr
        assert "positive number of seconds" in result.stderr or "must be a number" in result.stderr
    assert not (tmp_path / "out").exists()
    count("timeout option", "clean-error")


def test_stopping_finds_kernels_but_leaves_multiprocessing_helpers() -> None:
    """A kernel runs in a session of its own (jupyter_client starts it so): it and what it started are found;
    a helper in our own session (the forkserver, the resource tracker) is left to shut down as usual."""
    from report_kit import procs

    helper = subprocess.Popen(["sleep", "60"])
    kernel = subprocess.Popen(["sh", "-c", "sleep 60 & wait"], start_new_session=True)
    try:
        assert _wait_for(lambda: len(procs.descendants([kernel.pid])) == 1, timeout=10)
        grandchild = procs.descendants([kernel.pid])[0]
        found = procs.descendants([os.getpid()], other_sessions=True)
        assert kernel.pid in found and grandchild in found and helper.pid not in found
        assert helper.pid in procs.descendants([os.getpid()])
        procs.kill(found)
        assert kernel.wait(timeout=10) == -signal.SIGKILL
    finally:
        for p in (helper, kernel):
            p.kill()
            p.wait()


def test_stopped_is_a_keyboard_interrupt_with_its_exit_code() -> None:
    from report_kit import interrupts

    before = signal.getsignal(signal.SIGTERM)
    with interrupts.stopping(), pytest.raises(KeyboardInterrupt) as caught:
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(5)
    assert interrupts.exit_code(caught.value) == 143
    assert signal.getsignal(signal.SIGTERM) is before  # restored
    assert interrupts.exit_code(KeyboardInterrupt()) == 130


def test_a_signal_during_a_deferred_step_is_handled_once_the_step_ends() -> None:
    """Starting pool workers is such a step: a Ctrl-C in the middle left a worker unrecorded, which then
    printed a traceback on its vanished semaphores (seen by the oracle in CI)."""
    from report_kit import interrupts

    steps: list[str] = []
    with interrupts.stopping(), pytest.raises(KeyboardInterrupt) as caught:
        with interrupts.deferred():
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(0.2)  # the handler would have run here
            steps.append("finished")
        steps.append("after")  # not reached: the held signal is raised as the block ends
    assert steps == ["finished"]
    assert interrupts.exit_code(caught.value) == 143
    with interrupts.deferred():  # nothing held: nothing raised
        steps.append("quiet")
    assert steps[-1] == "quiet"
