"""Batch cost per agency, every way, measured in one run (ratios, not absolute targets).

    .venv/bin/python bench/batch.py [--agencies 100] [--jobs N] [--skip-naive | --naive-agencies K]
                                    [--skip-profile | --profile-only]

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

Then the driver profile (``--profile-only`` runs just this): the CPU seconds (``time.process_time``: the
worker's threads, zmq's included) of each step of ``batch._build_one`` → ``pipeline.build`` for one agency,
run exactly as a build worker runs it, plus the CPU of the kernel (and of the fork parent forking it), and
the fixed costs of a build (a worker's and a fork parent's start-up).
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
from typing import Any

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


def _proc_cpu(pid: int) -> tuple[float, float]:
    """(own, reaped children's) CPU seconds of a live process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / tick, (int(fields[13]) + int(fields[14])) / tick


def driver_profile(files: list[Path], template: Path, outputs: Path, start: str,
                   registry: Any = None) -> dict[str, float]:
    """Mean CPU seconds per step of one agency's build in this process (the first agency warms up, not counted)."""
    import nbclient.client
    import papermill.clientwrap

    from report_kit import kernels, pipeline
    from report_kit import params as params_io
    from report_kit.export import _writers
    from report_kit.kernels import _fork
    from report_kit.outdir import OutputRoot, Slot

    acc: dict[str, float] = {}
    counting = [False]

    def add(key: str, seconds: float) -> None:
        if counting[0]:
            acc[key] = acc.get(key, 0.0) + seconds

    def timed(owner: Any, name: str, key: str) -> Callable[[], None]:
        """Wrap ``owner.name`` (sync or async) so its process CPU adds to ``key``; returns the undo."""
        import inspect

        original = getattr(owner, name)
        if inspect.iscoroutinefunction(original):
            async def wrapper(*a: Any, **k: Any) -> Any:
                t = time.process_time()
                try:
                    return await original(*a, **k)
                finally:
                    add(key, time.process_time() - t)
        else:
            def wrapper(*a: Any, **k: Any) -> Any:  # type: ignore[misc]
                t = time.process_time()
                try:
                    return original(*a, **k)
                finally:
                    add(key, time.process_time() - t)
        setattr(owner, name, wrapper)
        return lambda: setattr(owner, name, original)

    writers = dict(_writers.WRITERS)
    undo = [
        timed(params_io, "load", "params: load and check"),
        timed(pipeline, "make_plan", "plan: identity, previous year, stamps"),
        timed(nbclient.client.NotebookClient, "start_new_kernel", "kernel start (manager, fork/spawn)"),
        timed(nbclient.client.NotebookClient, "start_new_kernel_client", "kernel client: channels, ready"),
        timed(papermill.clientwrap.PapermillNotebookClient, "papermill_execute_cells", "cells (nbclient + papermill)"),
        timed(nbclient.client.NotebookClient, "_cleanup_kernel", "kernel shutdown"),
        timed(pipeline, "execute", "execute: all (papermill)"),
        timed(_writers, "report_html", "report.html (nbconvert)"),
        timed(_writers, "_notebook", "report.ipynb (nbformat.writes)"),
        timed(_writers, "_review", "review.html (nbconvert)"),
        timed(_writers, "_docx", "report.docx"),
        timed(pipeline, "lift_record", "run record lifted"),
        timed(Slot, "replace", "set written (stamp, files, rename)"),
    ]
    # the writers table holds the functions themselves: point it at the timed ones
    for name, fn in (("ipynb", _writers._notebook), ("review", _writers._review), ("docx", _writers._docx)):
        w = writers[name]
        _writers.WRITERS[name] = _writers.Writer(w.name, w.filename, w.optional, fn)  # type: ignore[index]
    try:
        kernel_cpu = parent_cpu = 0.0
        for i, path in enumerate(files):
            counting[0] = i > 0
            child0 = _tree_cpu()
            fork0 = _proc_cpu(_fork._parent.process.pid) if _fork._parent is not None else (0.0, 0.0)
            t = time.process_time()
            ay = params_io.load(path)
            with OutputRoot(outputs / start) as root:
                plan = pipeline.make_plan(path, root, template, None, ("docx",), (), registry, ay=ay)
                pipeline.build(plan, 600, start)
            add("agency: all of the above (worker process)", time.process_time() - t)
            if _fork._parent is not None and start == "fork":
                own, children = _proc_cpu(_fork._parent.process.pid)
                if i > 0:
                    kernel_cpu += children - fork0[1]
                    parent_cpu += own - fork0[0]
            elif i > 0:
                kernel_cpu += _tree_cpu() - child0
        acc["agency without report.docx (the default set)"] = (acc["agency: all of the above (worker process)"]
                                                              - acc.get("report.docx", 0.0))
        acc["kernel process (whole life)"] = kernel_cpu
        if start == "fork":
            acc["fork parent (forking it)"] = parent_cpu
    finally:
        for fn in undo:
            fn()
        _writers.WRITERS.clear()
        _writers.WRITERS.update(writers)  # type: ignore[attr-defined]
        kernels.stop_fork_parent()
    return {k: v / (len(files) - 1) for k, v in acc.items()}


def fixed_costs() -> dict[str, float]:
    """CPU seconds a build pays per worker whatever the number of agencies (each measured in a new process)."""
    from report_kit import kernels
    from report_kit.kernels import _fork

    worker = ("import report_kit.batch._executor, nbformat; from report_kit import export; "
              "export.report_html(nbformat.v4.new_notebook()); export.review_html(nbformat.v4.new_notebook())")
    codes = {
        "python itself": "pass",
        "worker libraries (the forkserver's preload, once per build)":
            "from report_kit import _driver; _driver.preload()",
        "worker: everything, no preload (once per worker)":
            "from report_kit import _driver; _driver.skip_slow_imports(); " + worker,
        "worker: everything, no preload, with rfc3987_syntax (before)": worker,
    }
    out = {}
    for name, code in codes.items():
        ok = [True]

        def go(c: str = code, ok: list[bool] = ok) -> None:
            ok[0] = subprocess.run([sys.executable, "-c", c], capture_output=True).returncode == 0

        cpu = measure(go)[1]
        out[name] = cpu if ok[0] else float("nan")  # nan: this version of report_kit has no such step
    parent = _fork.ForkParent([sys.executable], kernels.PRELOAD, dict(os.environ))
    try:
        parent._receive(120)  # its "ready": imports and warm-up done
        out["fork parent: imports and warm-up (once per worker)"] = _proc_cpu(parent.process.pid)[0]
    finally:
        parent.close()
    return out


def print_profile(files: list[Path], template: Path, work: Path, registry: Any) -> None:
    cost = {start: driver_profile(files, template, work / "profile", start, registry) for start in ("spawn", "fork")}
    print(f"driver profile: CPU s per agency, mean of {len(files) - 1} agencies after one warm-up, with report.docx "
          "(process_time of the worker process; nested rows are part of the rows below them)")
    print(f"  {'':<46}{'spawn':>9}{'fork':>9}")
    for key in cost["fork"]:
        print(f"  {key:<46}{cost['spawn'].get(key, 0.0):>9.4f}{cost['fork'][key]:>9.4f}")
    print("fixed costs (CPU s, each in a new process):")
    for key, value in fixed_costs().items():
        print(f"  {key:<52}{value:>7.3f}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--agencies", type=int, default=100)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="workers of the all-cores builds")
    ap.add_argument("--skip-naive", action="store_true", help="no naive loop (the slowest part by far)")
    ap.add_argument("--naive-agencies", type=int, default=0, help="run the naive loop on only this many agencies "
                    "(its per-agency figures are then compared with the builds')")
    ap.add_argument("--profile-only", action="store_true", help="only the driver profile (and fixed costs)")
    ap.add_argument("--profile-agencies", type=int, default=21, help="agencies of the driver profile")
    ap.add_argument("--skip-profile", action="store_true", help="no driver profile after the builds")
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
        if opts.profile_only:
            print_profile(files[: opts.profile_agencies], template, work, None)
            return

        naive_files = files[: opts.naive_agencies or n]

        def naive() -> None:
            out = work / "naive"
            out.mkdir()
            for p in naive_files:
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
        results = {}  # per agency: the naive loop may run on fewer agencies than the builds
        for name, fn in ways.items():
            count = len(naive_files) if fn is naive else n
            results[name] = tuple(x / count for x in measure(fn))
        rebuild = measure(build("fN", "--jobs", str(jobs)))
        sample = files[: min(len(files), 11)]
        cost = {start: phases(sample, template, work / "phases", start) for start in ("spawn", "fork")}
        if not opts.skip_profile:
            print_profile(files[: opts.profile_agencies], template, work, None)
    base = results.get("naive papermill + nbconvert CLI")
    print(f"agencies: {n} (naive loop: {len(naive_files) if base else 0}), cores: {os.cpu_count()}, jobs: {jobs}")
    print(f"{'way':<34}{'wall s/agency':>14}{'tree CPU s':>12}{'machine CPU':>13}{'vs naive':>10}")
    for name, (wall, tree, machine) in results.items():
        ratio = f"{base[0] / wall:>9.1f}×" if base else f"{'—':>10}"
        print(f"{name:<34}{wall:>14.3f}{tree:>12.3f}{machine:>13.3f}{ratio}")
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
