"""Batch cost per agency, three ways, measured in one run (ratios, not absolute targets).

    .venv/bin/python bench/batch.py [--agencies 100]

1. naive: for each agency, the `papermill` CLI then the `jupyter nbconvert --to html` CLI, sequentially;
2. `report-kit build --jobs 1`;
3. `report-kit build` with all cores;
then a no-change rebuild. Prints wall and CPU seconds per agency (CPU of all child processes) and the
speed-up ratios against the naive loop.
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


def _children_cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def measure(fn) -> tuple[float, float]:
    cpu0, t0 = _children_cpu(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, _children_cpu() - cpu0


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
        }
        rebuild = measure(lambda: build(None, "outN"))
    base_wall = results["naive papermill + nbconvert CLI"][0]
    print(f"agencies: {n}, cores: {os.cpu_count()}")
    print(f"{'way':<36}{'wall s/agency':>15}{'CPU s/agency':>14}{'speed-up':>10}")
    for name, (wall, cpu) in results.items():
        print(f"{name:<36}{wall / n:>15.2f}{cpu / n:>14.2f}{base_wall / wall:>9.1f}×")
    print(f"no-change rebuild of all {n}: {rebuild[0]:.2f} s wall")
    print("note: CPU counts only processes this script waited for; build workers are reaped by their forkserver,")
    print("so the CPU column undercounts report-kit build (its wall time is the honest figure).")


if __name__ == "__main__":
    main()
