"""Fast mode (build --reuse-kernel): same reports as fresh kernels, isolation between agencies, recycling
after failures and every N agencies, no kernel left behind."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import nbformat
import pytest

from report_kit import kernels
from report_kit.batch import _warm, run_batch
from report_kit.batch._demo import demo_tree
from report_kit.errors import NotebookExecutionError

from .conftest import ROOT

pytestmark = pytest.mark.slow

TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"
MARK = "RK_WARM_TEST_MARK"


def _demo(root: Path, agencies: int, years: list[int]) -> list[Path]:
    paths = demo_tree(root / "params", agencies, years)
    (root / "params" / "agencies.yaml").unlink(missing_ok=True)  # the shipped agencies are not in its registry
    return sorted(paths)


def _variant(tmp: Path, code: str) -> Path:
    """The real template with one review cell appended (``ay`` is defined there); it prints the kernel's pid."""
    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os\nprint('kernel pid', os.getpid())\n" + code,
                                              metadata={"tags": ["review"]}))
    path = tmp / "variant" / "annual_report.ipynb"
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def _pid(built: Path) -> int:
    nb = nbformat.read(built / "report.ipynb", as_version=4)
    for out in nb.cells[-1].outputs:
        if out.get("name") == "stdout" and out.text.startswith("kernel pid"):
            return int(out.text.split()[2])
    raise AssertionError(f"no kernel pid printed in {built}")


def _normalized(path: Path) -> dict[str, Any]:
    """report.ipynb without what differs between two runs of any kind: timings, the injected cell's random id."""
    nb = json.loads(path.read_text("utf-8"))
    for key in ("start_time", "end_time", "duration"):
        nb["metadata"]["papermill"].pop(key)
    for cell in nb["cells"]:
        cell["metadata"].pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell["metadata"].get("papermill", {}).pop(key, None)
        if "injected-parameters" in cell["metadata"].get("tags", []):
            cell.pop("id")
    return nb


def _cli_build(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report_kit", "build", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300, env={**os.environ, **(env or {})})


def _marked_kernels(marker: str) -> list[int]:
    """Live ipykernel processes whose environment carries ``MARK=marker``: descendants of the run that set it,
    found even after an exiting parent had them re-parented."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if b"ipykernel_launcher" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                continue
            env = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if f"{MARK}={marker}".encode() in env:
            found.append(int(pid))
    return found


def _ancestors(pid: int) -> list[int]:
    chain = []
    while pid > 1:
        stat = Path(f"/proc/{pid}/stat").read_text()
        pid = int(stat.rsplit(")", 1)[1].split()[1])
        chain.append(pid)
    return chain


def _none_left(marker: str, wait: float = 15) -> list[int]:
    deadline = time.monotonic() + wait  # a kernel whose worker was killed leaves within a second (parent poller)
    while (left := _marked_kernels(marker)) and time.monotonic() < deadline:
        time.sleep(0.3)
    return left


@pytest.fixture
def shipped_and_demo(tmp_path: Path) -> Path:
    """params/: the 2019 seed, 2024 市科委, and one demo agency in 2023 and 2024 (so a previous year is read)."""
    for rel in ("2019/zhuzhou-county-kgxj.yaml", "2024/shanghai-kewei.yaml"):
        (tmp_path / "params" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "params" / rel, tmp_path / "params" / rel)
    _demo(tmp_path, 1, [2023, 2024])
    return tmp_path


def test_reused_kernel_builds_the_same_reports(shipped_and_demo: Path) -> None:
    root = shipped_and_demo
    marker = uuid.uuid4().hex
    fresh = _cli_build(root, "--outputs", "fresh", "--jobs", "2")
    warm = _cli_build(root, "--outputs", "warm", "--jobs", "1", "--reuse-kernel", env={MARK: marker})
    assert fresh.returncode == 0, fresh.stderr
    assert warm.returncode == 0, warm.stderr
    assert "4 built" in warm.stdout
    reports = sorted((root / "fresh").glob("*/*/report.html"))
    assert len(reports) == 4
    for html in reports:
        built = html.parent.relative_to(root / "fresh")
        assert (root / "warm" / built / "report.html").read_bytes() == html.read_bytes(), built
        # the notebooks too: same outputs, metadata and execution counts 1, 2, 3 … as from a fresh kernel
        assert _normalized(root / "warm" / built / "report.ipynb") == _normalized(html.parent / "report.ipynb"), built
    assert _none_left(marker) == []


ISOLATION = """
import builtins, decimal, sys, warnings
import pandas as pd
if ay.slug == {a!r}:
    rk_leaked_global = 1
    os.environ["RK_LEAKED"] = "1"
    pd.set_option("display.precision", 2)
    sys.path.insert(0, {lib!r})
    import rk_throwaway
    assert rk_throwaway.VALUE == 1
    os.chdir({lib!r})
    decimal.getcontext().prec = 5
    warnings.filterwarnings("error", message="rk-leak")
    builtins.rk_leak = 1
else:
    assert "rk_leaked_global" not in globals(), "global"
    assert "RK_LEAKED" not in os.environ, "environment"
    assert pd.get_option("display.precision") == 6, "pandas option"
    assert "rk_throwaway" not in sys.modules, "module"
    assert {lib!r} not in sys.path, "sys.path"
    try:
        import rk_throwaway
    except ModuleNotFoundError:
        pass
    else:
        raise AssertionError("module importable")
    assert os.getcwd() == {cwd!r}, "working directory"
    assert decimal.getcontext().prec == 28, "decimal context"
    assert not any(getattr(f[1], "pattern", None) == "rk-leak" for f in warnings.filters), "warnings filter"
    assert not hasattr(builtins, "rk_leak"), "builtins"
    assert len(In) == get_ipython().execution_count, "input history"  # as in a fresh kernel
    assert not any("rk_leaked_global" in source for source in In[:-1]), "input history"
"""


def _isolation_case(tmp_path: Path) -> tuple[Path, Path, Path]:
    a, b = _demo(tmp_path, 2, [2024])
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "rk_throwaway.py").write_text("VALUE = 1\n", encoding="utf-8")
    cwd = str(tmp_path / "variant")
    template = _variant(tmp_path, ISOLATION.format(a=a.stem, lib=str(lib), cwd=cwd))
    return a, b, template


def test_nothing_one_agency_sets_reaches_the_next(tmp_path: Path) -> None:
    a, b, template = _isolation_case(tmp_path)
    result = run_batch([a, b], tmp_path / "out", template, jobs=1, timeout=60, reuse_kernel=20)
    status = {s.slug: s for s in result.statuses}
    assert status[a.stem].status == "built", status[a.stem].reason
    assert status[b.stem].status == "built", status[b.stem].reason
    built_a, built_b = status[a.stem].outputs, status[b.stem].outputs
    assert built_a is not None and built_b is not None
    assert _pid(built_a) == _pid(built_b)  # one kernel for both: the isolation above is the reset's doing
    for built in (built_a, built_b):
        nb = nbformat.read(built / "report.ipynb", as_version=4)
        counts = [c.execution_count for c in nb.cells if c.cell_type == "code"]
        assert counts == list(range(1, len(counts) + 1))


def test_isolation_check_fails_without_the_reset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The control: the same two agencies in one kernel with the reset switched off, in this process."""
    a, b, template = _isolation_case(tmp_path)
    monkeypatch.setattr(_warm, "_RESET", "None")
    try:
        _warm.run(a, tmp_path / "out", template, timeout=60)
        with pytest.raises(NotebookExecutionError, match="AssertionError: global"):
            _warm.run(b, tmp_path / "out", template, timeout=60)
    finally:
        _warm.shutdown_all()


RECYCLE = """
import time
if ay.slug == {raises!r}:
    raise RuntimeError("deliberate failure")
if ay.slug == {hangs!r}:
    time.sleep(600)
"""


def test_recycled_after_a_failure_a_timeout_and_every_n(tmp_path: Path) -> None:
    paths = _demo(tmp_path, 9, [2024])
    a, b, raises, d, hangs, f, g, h, i = paths
    template = _variant(tmp_path, RECYCLE.format(raises=raises.stem, hangs=hangs.stem))
    result = run_batch(paths, tmp_path / "out", template, jobs=1, timeout=10, reuse_kernel=3)
    status = {s.slug: s for s in result.statuses}
    assert status[raises.stem].status == "failed" and "deliberate failure" in status[raises.stem].reason
    assert status[hangs.stem].status == "failed" and "timed out" in status[hangs.stem].reason.lower()
    ok = [p for p in paths if p not in (raises, hangs)]
    assert all(status[p.stem].status == "built" for p in ok), [(s.slug, s.reason) for s in result.statuses]
    pid = {p: _pid(status[p.stem].outputs) for p in ok}  # type: ignore[arg-type]
    assert pid[a] == pid[b]  # reused
    assert pid[d] != pid[b]  # two runs of three, then a failure: a new kernel
    assert pid[f] != pid[d]  # the kernel that timed out (its cell still running) was not reused
    assert pid[f] == pid[g] == pid[h]
    assert pid[i] != pid[h]  # recycled after three


def test_no_kernel_outlives_its_worker(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # the probe can see a kernel: one started here carries the mark and descends from this process
    marker = uuid.uuid4().hex
    monkeypatch.setenv(MARK, marker)
    a, _ = _demo(tmp_path, 2, [2024])
    try:
        _warm.run(a, tmp_path / "out", TEMPLATE)
        warm = _warm.current_kernel()
        assert warm is not None
        (kernel,) = _marked_kernels(marker)
        assert kernel == warm.pid
        assert os.getpid() in _ancestors(kernel)
    finally:
        _warm.shutdown_all()
    assert _marked_kernels(marker) == []
    assert not warm.connection_file.exists()  # and its sockets beside it

    # a batch whose second agency kills its worker (and with it the pool): the kernels of that worker and
    # of the worker the broken pool terminates end with them; the rest of the batch still builds
    marker = uuid.uuid4().hex
    paths = _demo(tmp_path, 3, [2024])
    killer = paths[1]
    code = f"import signal\nif ay.slug == {killer.stem!r}:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
    template = _variant(tmp_path, code)
    out = _cli_build(tmp_path, "--outputs", "killed", "--jobs", "2", "--reuse-kernel", "2", "--template",
                     str(template), env={MARK: marker})
    assert out.returncode == 1
    assert "worker process died" in out.stderr
    assert "2 built" in out.stdout, out.stdout + out.stderr
    assert _none_left(marker) == []
    # a killed worker cleans nothing up; each kernel start (here, the retries') removes dead workers' folders
    kernels.sweep()
    assert [home for home in _homes() if not _alive(home)] == []


def _homes() -> list[Path]:
    return list(Path(tempfile.gettempdir()).glob(f"{kernels.HOME_PREFIX}*-*"))


def _alive(home: Path) -> bool:
    return Path(f"/proc/{home.name[len(kernels.HOME_PREFIX):].split('-')[0]}").exists()
