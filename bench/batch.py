"""Batch cost per agency, every way, measured in one run (ratios, not absolute targets).

    .venv/bin/python bench/batch.py [--agencies 100] [--jobs N] [--skip-naive]

1. naive: for each agency, the `papermill` CLI then the `jupyter nbconvert --to html` CLI, sequentially;
2. `report-kit build --kernel-start spawn --jobs 1` and with all cores (a new interpreter per kernel);
3. `report-kit build --kernel-start fork --jobs 1` and with all cores (kernels forked from a pre-imported
   parent: the default on Linux);
then a no-change rebuild. For each: wall seconds per agency, CPU seconds per agency and the speed-up
against the naive loop. CPU is counted two ways:

- tree: the CPU of every process the command started, kernels and fork parents included: this script is
  a child subreaper (PR_SET_CHILD_SUBREAPER), so every descendant ends up reaped by it or by a reaped
  ancestor and its time lands in RUSAGE_CHILDREN. Exact, whatever else runs on the machine.
- machine: busy CPU of the whole machine from /proc/stat: what the issue measured; only meaningful on an
  otherwise idle machine (the load average at the end says how idle it was).

Then where one agency's time goes, per start method, measured in-process on a sample of agencies the way
a build worker runs them: kernel start (to ready), the cells, the kernel's own CPU, shutdown, HTML export,
review page and writes; and peak memory of a kernel and of the driver.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PR_SET_CHILD_SUBREAPER = 36


def _machine_cpu() -> float:
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def _tree_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _reap_orphans(grace: float = 60) -> None:
    """Wait for every descendant re-parented to this subreaper (a fork parent ending after its build)."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            time.sleep(0.05)


def measure(fn: Callable[[], None]) -> tuple[float, float, float]:
    """(wall, tree CPU, machine CPU) seconds of ``fn`` and everything it started."""
    _reap_orphans()
    tree0, machine0, t0 = _tree_cpu(), _machine_cpu(), time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    _reap_orphans()
    return wall, _tree_cpu() - tree0, _machine_cpu() - machine0


def _kernel_stats(pid: int) -> tuple[float, int]:
    """CPU seconds and peak RSS (bytes) of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    hwm = next(int(line.split()[1]) * 1024 for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return cpu, hwm


def phases(files: list[Path], template: Path, outputs: Path, start: str) -> dict[str, float]:
    """Mean wall seconds per phase for one agency, as a build worker runs it (a new kernel each)."""
    import nbformat
    from jupyter_core.utils import run_sync
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from report_kit import export, kernels, pipeline
    from report_kit import params as params_io

    pipeline._register_translator()
    pipeline.export_html(nbformat.v4.new_notebook())  # the exporter is built once per worker: not per agency
    manager = kernels.manager_for(template, 600, start)
    acc: dict[str, float] = {}

    def add(key: str, value: float) -> None:
        acc[key] = acc.get(key, 0.0) + value / (len(files) - 1)

    for i, path in enumerate(files):  # the first agency warms the driver (and starts a fork parent): not counted
        count = add if i else (lambda key, value: None)
        ay = params_io.load(path)
        nb = parameterize_notebook(load_notebook_node(str(template)), pipeline.parameters_for(path, ay))
        t0 = time.perf_counter()
        km = manager(kernel_name="python3")
        run_sync(km.start_kernel)(cwd=str(template.parent), extra_arguments=["--HistoryManager.hist_file=:memory:"])
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        count("kernel start (to ready)", time.perf_counter() - t0)
        client = NotebookClient(nb, km=km, kc=kc, timeout=600)
        client.kc = kc
        t = time.perf_counter()
        for j, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, j)
        count("cells (papermill-free)", time.perf_counter() - t)
        cpu, hwm = _kernel_stats(km.provisioner.process.pid)
        count("kernel CPU s (whole life)", cpu)
        if i:
            acc["kernel peak RSS MB"] = max(acc.get("kernel peak RSS MB", 0.0), hwm / 2**20)
        t = time.perf_counter()
        kc.stop_channels()
        run_sync(km.shutdown_kernel)(now=True)  # as papermill's shutdown_kernel="immediate"
        count("kernel shutdown", time.perf_counter() - t)
        t = time.perf_counter()
        pipeline.export_html(nb)
        count("HTML export", time.perf_counter() - t)
        t = time.perf_counter()
        target = outputs / start / path.stem
        target.mkdir(parents=True, exist_ok=True)
        pipeline.lift_record(nb)
        for name, data in export.render(nb, ()).items():  # the same set a build makes (html again, review…)
            (target / name).write_bytes(data)
        count("the set's files and writes", time.perf_counter() - t)
    kernels.stop_fork_parent()
    acc["driver peak RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return acc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers of the all-cores builds")
    ap.add_argument("--skip-naive", action="store_true", help="no naive loop (the slowest part by far)")
    opts = ap.parse_args()
    n, jobs = opts.agencies, opts.jobs
    libc = ctypes.CDLL(None, use_errno=True)
    if libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("this benchmark needs Linux (PR_SET_CHILD_SUBREAPER) to count the CPU of every process")
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        subprocess.run([BIN / "report-kit", "demo", "--agencies", str(n), "--years", "2024", "--out",
                        str(work / "params")], check=True, capture_output=True)
        (work / "params" / "agencies.yaml").unlink()
        files = sorted((work / "params" / "2024").glob("*.yaml"))
        template = work / "notebooks" / "annual_report.ipynb"

        def naive() -> None:
            out = work / "naive"
            out.mkdir()
            for p in files:
                nb = out / f"{p.stem}.ipynb"
                subprocess.run([BIN / "papermill", str(template), str(nb), "-p", "params_path", str(p), "--cwd",
                                str(work / "notebooks"), "--no-progress-bar"], check=True, capture_output=True)
                subprocess.run([BIN / "jupyter", "nbconvert", "--to", "html", str(nb)], check=True,
                               capture_output=True)

        def build(outputs: str, *extra: str) -> Callable[[], None]:
            def go() -> None:
                cmd = [BIN / "report-kit", "build", "--outputs", str(work / outputs), *extra]
                subprocess.run(cmd, cwd=work, check=True, capture_output=True)
            return go

        ways: dict[str, Callable[[], None]] = {}
        if not opts.skip_naive:
            ways["naive papermill + nbconvert CLI"] = naive
        ways.update({
            "build spawn --jobs 1": build("s1", "--kernel-start", "spawn", "--jobs", "1"),
            "build fork --jobs 1": build("f1", "--kernel-start", "fork", "--jobs", "1"),
            f"build spawn --jobs {jobs}": build("sN", "--kernel-start", "spawn", "--jobs", str(jobs)),
            f"build fork --jobs {jobs}": build("fN", "--kernel-start", "fork", "--jobs", str(jobs)),
        })
        results = {name: measure(fn) for name, fn in ways.items()}
        rebuild = measure(build("fN", "--jobs", str(jobs)))
        sample = files[: min(len(files), 11)]
        cost = {start: phases(sample, template, work / "phases", start) for start in ("spawn", "fork")}
    base = results.get("naive papermill + nbconvert CLI")
    print(f"agencies: {n}, cores: {os.cpu_count()}, jobs: {jobs}")
    print(f"{'way':<34}{'wall s/agency':>14}{'tree CPU s':>12}{'machine CPU':>13}{'vs naive':>10}")
    for name, (wall, tree, machine) in results.items():
        ratio = f"{base[0] / wall:>9.1f}×" if base else f"{'—':>10}"
        print(f"{name:<34}{wall / n:>14.3f}{tree / n:>12.3f}{machine / n:>13.3f}{ratio}")
    spawn_n, fork_n = results[f"build spawn --jobs {jobs}"], results[f"build fork --jobs {jobs}"]
    print(f"fork / spawn with {jobs} jobs: wall {fork_n[0] / spawn_n[0]:.2f}, tree CPU {fork_n[1] / spawn_n[1]:.2f}")
    print(f"no-change rebuild of all {n}: {rebuild[0]:.2f} s wall, {rebuild[1]:.2f} s tree CPU")
    print("where one agency's time goes (wall s unless marked; in-process, mean of 10 agencies after one warm-up):")
    print(f"  {'':<34}{'spawn':>9}{'fork':>9}")
    for key in cost["spawn"]:
        print(f"  {key:<34}{cost['spawn'][key]:>9.3f}{cost['fork'].get(key, 0.0):>9.3f}")
    print(f"machine load average at the end: {os.getloadavg()[0]:.2f} (machine CPU needs an otherwise idle machine)")


if __name__ == "__main__":
    main()
