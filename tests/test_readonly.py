"""Read-only outputs: `run` and `build` give one clean line and exit 2 (issue 12's uncaught tracebacks), a build
with one read-only agency still writes its index, and nothing runs a kernel for outputs it cannot write.

As root, permission bits do not stop writes, so the tests make the folder read-only for the command alone: a
read-only bind mount in a private mount namespace (``unshare -m``). Otherwise ``chmod`` does it.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import params

from .checks_support import consistent
from .fuzz_tally import count


def _can_bind_read_only() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", "mount --bind -o ro / / 2>/dev/null || "
                            "(mount --bind /tmp /tmp && mount -o remount,bind,ro /tmp)"],
                           capture_output=True, timeout=30)
    return probe.returncode == 0


ROOT_MOUNTS = _can_bind_read_only()
pytestmark = pytest.mark.skipif(os.geteuid() == 0 and not ROOT_MOUNTS,
                                reason="root ignores permissions and no private read-only mount is possible")


def _run_read_only(cwd: Path, read_only: list[Path], *args: str) -> subprocess.CompletedProcess[str]:
    """``report-kit ARGS`` with the ``read_only`` folders unwritable for it."""
    cmd = [sys.executable, "-m", "report_kit", *args]
    if ROOT_MOUNTS:
        mounts = " && ".join(f"mount --bind {shlex.quote(str(p))} {shlex.quote(str(p))} && "
                             f"mount -o remount,bind,ro {shlex.quote(str(p))}" for p in read_only)
        cmd = ["unshare", "-m", "sh", "-c", f"{mounts} && exec {shlex.join(cmd)}"]
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    for p in read_only:
        p.chmod(0o555)
    try:
        return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=300)
    finally:
        for p in read_only:
            p.chmod(0o755)


def _tree(tmp: Path, slugs: list[str]) -> Path:
    for slug in slugs:
        path = tmp / "params" / "2023" / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(params.dumps(replace(consistent(year=2023), slug=slug)), encoding="utf-8")
    return tmp


def test_run_into_read_only_outputs_is_one_line(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["ju"])
    (root / "outputs").mkdir()
    result = _run_read_only(root, [root / "outputs"], "run", "params/2023/ju.yaml")
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: cannot write") and "Traceback" not in result.stderr
    assert "read-only" in lines[0] or "permission denied" in lines[0]
    assert not any((root / "outputs").iterdir())
    count("outputs (read-only)", "clean-error")


def test_build_into_read_only_outputs_is_one_line(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["ju"])
    (root / "outputs").mkdir()
    result = _run_read_only(root, [root / "outputs"], "build")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and ".build.lock" in lines[0], result.stderr
    count("outputs (read-only)", "clean-error")


@pytest.mark.slow
def test_a_read_only_agency_fails_alone_and_the_index_is_written(tmp_path: Path) -> None:
    root = _tree(tmp_path, ["ro-ju", "ok-ju"])
    frozen = root / "outputs" / "2023" / "ro-ju"
    frozen.mkdir(parents=True)
    (frozen / "report.html").write_text("published last year", encoding="utf-8")
    result = _run_read_only(root, [frozen], "build", "--jobs", "1")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "1 built, 0 up to date, 1 failed" in result.stdout
    assert "cannot write" in result.stderr and "ro-ju" in result.stderr
    assert (frozen / "report.html").read_text("utf-8") == "published last year"
    rows = list(csv.DictReader((root / "outputs" / "summary.csv").read_text("utf-8-sig").splitlines()))
    assert sorted((r["slug"], r["status"]) for r in rows) == [("ok-ju", "ok"), ("ro-ju", "failed")]
    count("outputs (read-only)", "clean-error")
