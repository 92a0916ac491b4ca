"""How fast `report-kit check` runs over many params files, against the irreducible read of the same files.

    .venv/bin/python bench/check_speed.py [--files 1000] [--repeat 3]     (--files 0: the cold starts only)

Writes N synthetic params files (two consecutive years, so the cross-year rules run), then times, best of
``--repeat`` runs each (wall seconds, and CPU seconds of this process and its worker processes):
  parse (baseline): reading every file and parsing it with libyaml into its node graph (PyYAML's CSafeLoader
      composer), no values built: the irreducible read, the floor for any tool that reads these files with libyaml;
  yaml.load: the same plus PyYAML's value construction (what a plain `yaml.load(..., CSafeLoader)` costs);
  params.load: parse + validate, no rules;
  check, one process: load + every rule, as the CLI does for fewer than ``_parallel.MIN_FILES`` files;
  check (as the CLI runs it): the same with one worker process per core (issue 18's target: about 2 s for
      1,000 files on an idle 2-core machine);
and prints the ratios check/parse. Then how long a short command takes from a cold start, as a pre-commit hook
runs it (a new interpreter each time, median of five, wall and CPU seconds): `report-kit check` of one file and
`report-kit rules`, against `python -c "import report_kit"` (the floor for any command) and `python -c pass`.
Issue 18's target for the one-file check: well under a second.

Wall times on a machine shared with other work are noisy: the load average is printed with the results.
"""

from __future__ import annotations

import argparse
import inspect
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.checks_support import consistent

from report_kit import params

try:
    from report_kit.checks import _parallel
except ImportError:  # an older checkout: one process
    _parallel = None  # type: ignore[assignment]
from report_kit.checks._files import check_files


def write_tree(root: Path, n: int) -> list[Path]:
    paths = []
    for i in range(n // 2):
        for year in (2023, 2024):
            ay = replace(consistent("2021", year=year), slug=f"agency-{i:05d}", agency=f"某市第{i}局")
            path = root / str(year) / f"agency-{i:05d}.yaml"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(params.dumps(ay), encoding="utf-8")
            paths.append(path)
    return paths


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def timed(fn: Callable[[], object], repeat: int) -> tuple[float, float]:
    """(wall, CPU) seconds of the fastest of ``repeat`` runs (CPU includes worker processes that ended)."""
    best = (float("inf"), float("inf"))
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), _cpu()
        fn()
        run = (time.perf_counter() - wall, _cpu() - cpu)
        best = min(best, run)
    return best


def parse_all(paths: list[Path]) -> None:
    for p in paths:
        yaml.compose(p.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def yaml_load_all(paths: list[Path]) -> None:
    for p in paths:
        yaml.load(p.read_bytes().decode("utf-8"), Loader=yaml.CSafeLoader)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    if args.files <= 0:  # --files 0: the cold starts only
        startup()
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "params"
        paths = write_tree(root, args.files)
        workers = _parallel.workers_for(len(paths)) if _parallel else 1
        findings = 0

        def check(jobs: int | None) -> Callable[[], None]:
            # ``jobs`` only where check_files has workers (to run this bench against an older checkout too)
            kwargs = {"jobs": jobs} if "jobs" in inspect.signature(check_files).parameters else {}

            def run() -> None:
                nonlocal findings
                findings = sum(len(r.findings) for r in check_files([root], **kwargs))
            return run

        steps = {
            "parse (libyaml, baseline)": timed(lambda: parse_all(paths), args.repeat),
            "yaml.load (CSafeLoader)": timed(lambda: yaml_load_all(paths), args.repeat),
            "params.load (parse + validate)": timed(lambda: [params.load(p) for p in paths], args.repeat),
            "check, one process": timed(check(1), args.repeat),
            f"check as the CLI runs it ({workers} proc.)": timed(check(None), args.repeat),
        }
    print(f"files: {len(paths)} (two years each agency; cross-year rules active), findings: {findings}; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    base_wall, base_cpu = steps["parse (libyaml, baseline)"]
    print(f"{'step (best of ' + str(args.repeat) + ')':<42}{'wall s':>8}{'CPU s':>8}{'files/s':>9}{'/parse':>8}")
    for name, (wall, cpu) in steps.items():
        print(f"{name:<42}{wall:>8.2f}{cpu:>8.2f}{len(paths) / wall:>9.0f}{wall / base_wall:>8.2f}")
    print(f"ratios: check/parse = {steps['check, one process'][0] / base_wall:.2f} (one process), "
          f"{steps[f'check as the CLI runs it ({workers} proc.)'][0] / base_wall:.2f} (as the CLI runs it); "
          f"CPU check/parse = {steps['check, one process'][1] / base_cpu:.2f}")
    startup()


def startup() -> None:
    seed = Path(__file__).resolve().parent.parent / "params" / "2019" / "zhuzhou-county-kgxj.yaml"
    cli = "import sys; from report_kit.cli import main; sys.exit(main(sys.argv[1:]))"
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "import report_kit": [sys.executable, "-c", "import report_kit"],
        "report-kit check (one file)": [sys.executable, "-c", cli, "check", str(seed)],
        "report-kit rules": [sys.executable, "-c", cli, "rules"],
    }
    times: dict[str, tuple[float, float]] = {}
    for name, cmd in commands.items():
        runs, cpus = [], []
        for _ in range(5):
            start, cpu = time.perf_counter(), _children_cpu()
            subprocess.run(cmd, capture_output=True, check=False)
            runs.append(time.perf_counter() - start)
            cpus.append(_children_cpu() - cpu)
        times[name] = (statistics.median(runs), statistics.median(cpus))
    base = times["import report_kit"][0]
    print(f"{'cold start (median of 5)':<42}{'wall s':>8}{'CPU s':>8}{'/ import':>10}")
    for name, (t, cpu) in times.items():
        print(f"{name:<42}{t:>8.2f}{cpu:>8.2f}{t / base:>10.2f}")


def _children_cpu() -> float:
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime

if __name__ == "__main__":
    main()
