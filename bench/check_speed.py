"""How fast `report-kit check` runs over many params files, as ratios against baselines in the same run.

    .venv/bin/python bench/check_speed.py [--files 1000]

Writes N synthetic params files (two consecutive years, so the cross-year rules run), then times:
  baseline A: parsing every file with ruamel.yaml's safe loader (the floor for any YAML tool);
  baseline B: parsing + validating (params.load) without rules;
  report-kit check: load + every rule, in-process, as the CLI does;
and prints wall seconds, files per second and the ratios check/A and check/B. Then how long a short
command takes from a cold start, as a pre-commit hook runs it (a new interpreter each time, median of
five): `report-kit check` of one file and `report-kit rules`, against `python -c "import report_kit"`
(the floor for any command) and `python -c pass`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from ruamel.yaml import YAML

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.checks_support import consistent

from report_kit import params
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


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--files", type=int, default=1000)
    n = ap.parse_args().files
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "params"
        paths = write_tree(root, n)
        safe = YAML(typ="safe")
        a = timed(lambda: [safe.load(p.read_text("utf-8")) for p in paths])
        b = timed(lambda: [params.load(p) for p in paths])
        findings = 0

        def run() -> None:
            nonlocal findings
            findings = sum(len(r.findings) for r in check_files([root]))

        c = timed(run)
    print(f"files: {len(paths)} (two years each agency; cross-year rules active), findings: {findings}")
    print(f"{'step':<34}{'seconds':>9}{'files/s':>10}")
    steps = (("A: YAML safe parse", a), ("B: parse + validate (params.load)", b), ("report-kit check (all rules)", c))
    for name, t in steps:
        print(f"{name:<34}{t:>9.2f}{len(paths) / t:>10.0f}")
    print(f"ratios: check/A = {c / a:.2f}, check/B = {c / b:.2f}")
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
    times = {}
    for name, cmd in commands.items():
        runs = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(cmd, capture_output=True, check=False)
            runs.append(time.perf_counter() - start)
        times[name] = statistics.median(runs)
    base = times["import report_kit"]
    print(f"{'cold start (median of 5)':<34}{'seconds':>9}{'/ import':>10}")
    for name, t in times.items():
        print(f"{name:<34}{t:>9.2f}{t / base:>10.2f}")


if __name__ == "__main__":
    main()
