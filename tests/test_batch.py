"""Batch builds: registry, isolation of failures (raise, hang, dead worker), skipping, locking, index page."""

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
from bs4 import BeautifulSoup

from report_kit import params
from report_kit.batch import BuildLock
from report_kit.batch._lock import BuildLockedError

from .checks_support import consistent
from .conftest import ROOT
from .fuzz_tally import count

TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"


def _tree(tmp: Path, slugs: list[str], year: int = 2023, registry: list[str] | None = None) -> Path:
    for slug in slugs:
        ay = replace(consistent("2021", year=year), slug=slug, agency=f"<b>{slug}</b>局")
        path = tmp / "params" / str(year) / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(params.dumps(ay), encoding="utf-8")
    if registry is not None:
        lines = ["agencies:"] + [f"  - {{slug: {s}, name: {s}局, first_year: 2021}}" for s in registry]
        (tmp / "params" / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp


def _template(tmp: Path, code: str) -> Path:
    """The real template with one extra review cell after loading the params (``ay`` is defined)."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "load_params(" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(code, metadata={"tags": ["review"]}))
    path = tmp / "notebooks" / "t.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


# Every process a test's build starts inherits this marker, so kernels are counted per test even when
# other tests (pytest -n) run kernels at the same time.
TAG = f"RK_TEST_TAG={os.getpid()}-{time.monotonic_ns()}"


def _build(cwd: Path, *args: str, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    name, value = TAG.split("=", 1)
    return subprocess.run([sys.executable, "-m", "report_kit", "build", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=timeout, env={**os.environ, name: value})


def _kernels() -> set[int]:
    """Kernel processes started by this test's builds (found by the inherited marker)."""
    out = set()
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                cmd = Path(f"/proc/{pid}/cmdline").read_bytes()
                kernel = b"ipykernel_launcher" in cmd or Path(f"/proc/{pid}/comm").read_text().strip() == "rk-kernel"
                if kernel and TAG.encode() in Path(f"/proc/{pid}/environ").read_bytes():
                    out.add(int(pid))
            except OSError:
                continue
    return out


def _no_new_kernels(before: set[int]) -> bool:
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if not (_kernels() - before):
            return True
        time.sleep(0.5)
    return False


def test_registry_missing_and_unregistered(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["a-ju"], registry=["b-ju"])
    (root / "outputs").mkdir()
    result = _build(root, "--year", "2023", "--jobs", "1")
    assert result.returncode == 1
    assert "not in the agency registry" in result.stderr
    assert "0 built, 0 up to date, 1 failed, 1 missing" in result.stdout
    rows = list(csv.DictReader((root / "outputs/summary.csv").read_text("utf-8-sig").splitlines()))
    assert {(r["slug"], r["status"]) for r in rows} == {("a-ju", "failed"), ("b-ju", "missing")}


@pytest.fixture(params=["native", "portable"])
def route(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test on this platform's routes and again with the portable ones forced (REPORT_KIT_PORTABLE=1:
    spawn pool and kernels on TCP, pid lock file, pid polling, no parent-death signal or CPU limit)."""
    if request.param == "portable":
        monkeypatch.setenv("REPORT_KIT_PORTABLE", "1")
    return str(request.param)


@pytest.mark.slow
def test_raise_hang_and_dead_worker_each_fail_alone(tmp_path: Path, route: str) -> None:
    root = _tree(tmp_path, ["ok-1", "raises", "hangs", "killer", "ok-2"])
    template = _template(root, "import os, signal, time\n"
                               "if ay.slug == 'raises': raise ValueError('deliberate failure')\n"
                               "if ay.slug == 'hangs': time.sleep(600)\n"
                               # the worker: the kernel's parent, or its fork parent's (the pid is in both)
                               "if ay.slug == 'killer': os.kill(int(os.environ['JPY_PARENT_PID']), signal.SIGKILL)")
    before = _kernels()
    result = _build(root, "--template", str(template), "--timeout", "5", "--jobs", "2")
    assert result.returncode == 1
    assert "2 built, 0 up to date, 3 failed" in result.stdout
    err = result.stderr
    assert "deliberate failure" in err and "cell In [" in err
    assert "Timeout" in err or "timed out" in err
    assert "worker process died" in err
    for slug in ("ok-1", "ok-2"):
        assert (root / f"outputs/2023/{slug}/report.html").is_file()
    for slug in ("raises", "hangs", "killer"):
        assert not (root / f"outputs/2023/{slug}/report.html").exists()
    leftovers = [p for p in (root / "outputs").rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []
    orphan_free = _no_new_kernels(before)
    count("batch faults", "valid" if orphan_free else "orphan-kernel")
    assert orphan_free, "kernel processes left behind"


@pytest.mark.slow
def test_skip_force_index_and_interrupted_build(tmp_path: Path) -> None:
    root = _tree(tmp_path, [f"ju-{i}" for i in range(4)])
    first = _build(root, "--jobs", "2")
    assert first.returncode == 0 and "4 built" in first.stdout
    html = {p: p.read_bytes() for p in (root / "outputs").rglob("report.html")}
    again = _build(root)
    assert "0 built, 4 up to date" in again.stdout
    p = root / "params/2023/ju-1.yaml"
    p.write_text(p.read_text("utf-8").replace("agency: <b>ju-1</b>局", "agency: 第一局"), encoding="utf-8")
    edited = _build(root)
    assert "1 built, 3 up to date" in edited.stdout
    forced = _build(root, "--force", "--jobs", "2")
    assert "4 built" in forced.stdout
    for path, data in html.items():
        if "ju-1" not in str(path):
            assert path.read_bytes() == data  # byte-identical for unchanged inputs
    # the index: escaped names, links that exist, filter box, no network
    page = (root / "outputs/index.html").read_text("utf-8")
    soup = BeautifulSoup(page, "lxml")
    assert soup.find("b") is None and "&lt;b&gt;ju-0&lt;/b&gt;局" in page
    links = [a["href"] for a in soup.select("a")]
    assert links and all((root / "outputs" / href).is_file() for href in links)
    assert "http" not in page and (root / "outputs/2023/index.html").is_file()
    # an interrupted build: kill it mid-way, the next one finishes and nothing is half-written
    for q in (root / "outputs").rglob(".inputs.json"):
        q.unlink()
    proc = subprocess.Popen([sys.executable, "-m", "report_kit", "build", "--jobs", "1"], cwd=root,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(4)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    resumed = _build(root)  # a temp file the kill left behind is removed by this build, before any worker runs
    assert resumed.returncode == 0, resumed.stderr
    assert [q for q in (root / "outputs").rglob("*.tmp")] == []
    for path, data in html.items():
        if "ju-1" not in str(path):
            assert path.read_bytes() == data
    count("batch faults", "valid")


def test_two_builds_at_once_are_refused(tmp_path: Path, route: str) -> None:
    root = _tree(tmp_path, ["a-ju"])
    with BuildLock(root / "outputs"):
        result = _build(root)
        with pytest.raises(BuildLockedError):
            BuildLock(root / "outputs").__enter__()
    assert result.returncode == 2 and "another report-kit build" in result.stderr and "Traceback" not in result.stderr
    with BuildLock(root / "outputs"):  # released: no stale lock
        pass


def test_demo_tree_is_consistent_except_its_deliberate_defects(tmp_path: Path) -> None:
    from report_kit.batch._demo import demo_tree
    from report_kit.checks._files import check_files

    demo_tree(tmp_path / "params", agencies=14, years=[2023, 2024])
    failing = {r.path.name: {f.rule for f in r.findings if f.severity == "error"} for r in check_files([tmp_path])}
    bad = {name: rules for name, rules in failing.items() if rules}
    assert set(bad) == {"county1-czj.yaml", "county1-nyncj.yaml", "county1-wglj.yaml", "county1-zrzyj.yaml"}
    assert all("XY-CARRY" in r for n, r in bad.items() if n in ("county1-czj.yaml", "county1-nyncj.yaml"))
    assert (tmp_path / "params" / "agencies.yaml").is_file()


@pytest.mark.slow
def test_dask_executor_on_a_local_cluster(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed")
    root = _tree(tmp_path, ["d-1", "d-2", "d-3"])
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cl:
        result = _build(root, "--executor", "dask", "--scheduler", cl.scheduler_address)
    assert result.returncode == 0, result.stderr
    assert "3 built" in result.stdout
    for slug in ("d-1", "d-2", "d-3"):
        assert (root / f"outputs/2023/{slug}/report.html").is_file()
    again = _build(root, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1")
    assert "0 built, 3 up to date" in again.stdout  # nothing to do: the scheduler is not even contacted
    forced = _build(root, "--executor", "dask", "--scheduler", "tcp://127.0.0.1:1", "--force")
    assert forced.returncode == 2 and "cannot reach the Dask scheduler" in forced.stderr
