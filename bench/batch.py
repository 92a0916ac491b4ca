"""Batch cost per agency, three ways, measured in one run (ratios, not absolute targets).

    .venv/bin/python bench/batch.py [--agencies 100]

1. naive: for each agency, the `papermill` CLI then the `jupyter nbconvert --to html` CLI, sequentially;
2. `report-kit build --jobs 1`;
3. `report-kit build` with all cores;
4. `report-kit build --reuse-kernel` with all cores (fast mode: one warm kernel per worker, reset in between);
then a no-change rebuild. Prints wall and CPU seconds per agency (busy CPU of the whole machine) and the
speed-up ratios against the naive loop, then where one agency's time goes (kernel start, the template's
import cell, the other cells, kernel shutdown, HTML export, the other outputs) and peak memory of a kernel
and of the driver, measured in-process on a sample of agencies.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _machine_cpu() -> float:
    """Busy CPU seconds of the whole machine (/proc/stat): counts forkserver workers and kernels that this
    script never reaps, and anything else running, so run the benchmark on an otherwise idle machine."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    busy = sum(fields) - fields[3] - fields[4]  # minus idle and iowait
    return busy / os.sysconf("SC_CLK_TCK")


def measure(fn) -> tuple[float, float]:
    cpu0, t0 = _machine_cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, _machine_cpu() - cpu0


def _kernel_stats(pid: int) -> tuple[float, int]:
    """CPU seconds and peak RSS (bytes) of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / tick
    hwm = next(int(line.split()[1]) * 1024 for line in Path(f"/proc/{pid}/status").read_text().splitlines()
               if line.startswith("VmHWM:"))
    return cpu, hwm


def phases(files: list[Path], template: Path, outputs: Path) -> dict[str, float]:
    """Mean wall seconds per phase for one agency, the way a build worker runs it (fresh kernel each)."""
    os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
    import nbformat
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    from report_kit import export, pipeline
    from report_kit import params as params_io

    pipeline._register_translator()
    pipeline.export_html(nbformat.v4.new_notebook())  # the exporter is built once per worker: not per agency
    acc: dict[str, float] = {}

    def add(key: str, value: float) -> None:
        acc[key] = acc.get(key, 0.0) + value / len(files)

    for path in files:
        ay = params_io.load(path)
        nb = parameterize_notebook(load_notebook_node(str(template)), pipeline.parameters_for(path, ay))
        t0 = time.perf_counter()
        km = KernelManager(kernel_name="python3")
        km.start_kernel(cwd=str(template.parent))
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=60)
        add("kernel start (to ready)", time.perf_counter() - t0)
        client = NotebookClient(nb, km=km, kc=kc, timeout=600)
        client.kc = kc
        code = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for n, i in enumerate(code):
            t = time.perf_counter()
            client.execute_cell(nb.cells[i], i)
            first = next((ln for ln in nb.cells[i].source.splitlines() if ln.strip() and not ln.startswith("#")), "")
            add(f"cell {n + 1}: {first[:26]}", time.perf_counter() - t)
        cpu, hwm = _kernel_stats(km.provisioner.process.pid)  # type: ignore[union-attr]
        add("kernel CPU s (whole life)", cpu)
        acc["kernel peak RSS MB"] = max(acc.get("kernel peak RSS MB", 0.0), hwm / 2**20)
        t = time.perf_counter()
        kc.stop_channels()
        km.shutdown_kernel(now=False)
        add("kernel shutdown", time.perf_counter() - t)
        t = time.perf_counter()
        pipeline.export_html(nb)
        add("HTML export", time.perf_counter() - t)
        t = time.perf_counter()
        target = outputs / path.stem
        target.mkdir(parents=True, exist_ok=True)
        pipeline.lift_record(nb)
        for name, data in export.render(nb, ()).items():  # the same set a build makes (html again, review…)
            (target / name).write_bytes(data)
        add("the set's files and writes", time.perf_counter() - t)
    acc["driver peak RSS MB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return acc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=100)
    n = ap.parse_args().agencies
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

        def build(jobs: int | None, outputs: str, *extra: str) -> None:
            cmd = [BIN / "report-kit", "build", "--outputs", str(work / outputs), *extra]
            if jobs:
                cmd += ["--jobs", str(jobs)]
            subprocess.run(cmd, cwd=work, check=True, capture_output=True)

        results = {
            "naive papermill + nbconvert CLI": measure(naive),
            "report-kit build --jobs 1": measure(lambda: build(1, "out1")),
            f"report-kit build (all {os.cpu_count()} cores)": measure(lambda: build(None, "outN")),
            f"build --reuse-kernel ({os.cpu_count()} cores)": measure(lambda: build(None, "outR", "--reuse-kernel")),
        }
        rebuild = measure(lambda: build(None, "outN"))
        cost = phases(files[: min(len(files), 10)], template, work / "phases")
    base_wall = results["naive papermill + nbconvert CLI"][0]
    print(f"agencies: {n}, cores: {os.cpu_count()}")
    print(f"{'way':<36}{'wall s/agency':>15}{'CPU s/agency':>14}{'speed-up':>10}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<36}{wall / n:>15.2f}{cpu / n:>14.2f}{base_wall / wall:>9.1f}×")
    print(f"no-change rebuild of all {n}: {rebuild[0]:.2f} s wall")
    print("where one agency's time goes (fresh kernel, in-process, mean of up to 10 agencies):")
    for name, value in cost.items():
        print(f"  {name:<34}{value:>8.2f}")
    print(f"machine load average at the end: {os.getloadavg()[0]:.2f} (CPU is machine-wide: keep it otherwise idle)")


if __name__ == "__main__":
    main()
