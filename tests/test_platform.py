"""Platforms: every command starts without the Unix-only modules, and the portable routes hold on Linux.

The simulation hides what Windows lacks (``fcntl``, ``os.pidfd_open``, ``socket.AF_UNIX``) in a fresh
interpreter before report_kit is imported, and runs ``rules``, ``check``, ``run`` and ``build`` on the seed:
each must do its job, or refuse in one line, never with a traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from report_kit import _pidlock, platform, procs
from report_kit.batch import BuildLock
from report_kit.batch._lock import BuildLockedError
from report_kit.outdir import PORTABLE_LOCK, OutputRoot

from .conftest import ROOT, SEED_PARAMS

# Hides fcntl, os.pidfd_open and socket.AF_UNIX, then runs the CLI. Two things are kept working because they
# work on Windows too and only their Linux implementation needs what is hidden: psutil's Linux backend reads
# socket.AF_UNIX at import (imported first), and socket.socketpair (asyncio's self-pipe) defaults to AF_UNIX.
PROBE = """
import os, socket, sys
import psutil
_unix, _pair = socket.AF_UNIX, socket.socketpair
socket.socketpair = lambda family=None, *a, **k: _pair(_unix if family is None else family, *a, **k)
sys.modules["fcntl"] = None
for mod, attr in ((os, "pidfd_open"), (socket, "AF_UNIX")):
    if hasattr(mod, attr):
        delattr(mod, attr)
if __name__ == "__main__":  # spawned pool workers re-import this file as __mp_main__: hidden there too
    from report_kit.cli import main

    sys.exit(main(sys.argv[1:]))
"""


def _probe(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    script = tmp_path / "probe.py"
    script.write_text(PROBE, "utf-8")
    env = {k: v for k, v in os.environ.items() if k != platform.FORCE_ENV}  # the hiding alone decides
    return subprocess.run([sys.executable, str(script), *args], cwd=tmp_path, capture_output=True, text=True,
                          timeout=300, env=env)


@pytest.mark.slow
def test_every_command_runs_without_the_unix_only_modules(tmp_path: Path) -> None:
    params = tmp_path / "params"
    (params / "2019").mkdir(parents=True)
    (params / "2019" / SEED_PARAMS.name).write_bytes(SEED_PARAMS.read_bytes())
    (params / "agencies.yaml").write_bytes((ROOT / "params" / "agencies.yaml").read_bytes())
    seed = params / "2019" / SEED_PARAMS.name
    runs = {
        "rules": _probe(tmp_path, "rules"),
        "check": _probe(tmp_path, "check", str(seed)),
        "run": _probe(tmp_path, "run", str(seed), "--outputs", "run-out"),
        "build": _probe(tmp_path, "build", "--params", str(params), "--outputs", "build-out", "--jobs", "1"),
    }
    for name, done in runs.items():
        assert "Traceback" not in done.stderr, f"{name}:\n{done.stderr[-2000:]}"
        assert done.returncode in (0, 1), f"{name} exited {done.returncode}:\n{done.stderr[-2000:]}"
    assert "TABLE-" in runs["rules"].stdout or runs["rules"].stdout.strip()
    slug = f"2019/{SEED_PARAMS.stem}"
    for out in ("run-out", "build-out"):
        assert (tmp_path / out / slug / "report.html").is_file(), out
        assert not list((tmp_path / out).rglob(f"*{PORTABLE_LOCK}")), "a portable lock file was left behind"
    assert "1 built" in runs["build"].stdout


def test_forcing_switches_every_route(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(platform.FORCE_ENV, "1")
    assert platform.routes() == {"lock": "pid lock file", "pool": "spawn", "build watch": "polling",
                                 "kernel transport": "tcp", "kernel limits": "none", "processes": "psutil",
                                 "output folders": "dir_fd"}
    from report_kit import kernels

    assert kernels.default_start() == "spawn"
    monkeypatch.setenv(platform.FORCE_ENV, "0")
    if sys.platform.startswith("linux"):
        assert platform.routes()["lock"] == "flock" and platform.routes()["kernel transport"] == "ipc"


def test_processes_by_psutil_match_proc(monkeypatch: pytest.MonkeyPatch) -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        native = procs.descendants([os.getpid()])
        monkeypatch.setenv(platform.FORCE_ENV, "1")
        assert child.pid in native and child.pid in procs.descendants([os.getpid()])
        assert procs.alive(child.pid)
    finally:
        child.kill()
        child.wait()
    assert not procs.alive(child.pid)


# ------------------------------------------------------------------------------------- the portable lock


def _dead_pid() -> int:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return gone.pid


def test_pid_lock_refuses_a_live_holder_and_takes_over_a_dead_one(tmp_path: Path) -> None:
    lock = str(tmp_path / "a.lock")
    assert _pidlock.try_acquire(lock)
    assert not _pidlock.try_acquire(lock)  # held by a live process (this one)
    assert _pidlock.holder(lock) == str(os.getpid())
    _pidlock.release(lock)
    assert not Path(lock).exists()
    Path(lock).write_text(f"{_dead_pid()} 1.0\n")  # a killed owner's file
    assert _pidlock.try_acquire(lock)
    _pidlock.release(lock)
    Path(lock).write_text(f"{os.getpid()} 1.0\n")  # our pid, another start time: the pid was reused
    assert _pidlock.try_acquire(lock)
    Path(lock).write_text("")  # an owner between creating the file and writing its pid
    assert not _pidlock.try_acquire(lock)
    old = time.time() - _pidlock.UNWRITTEN_GRACE - 1
    os.utime(lock, (old, old))
    assert _pidlock.try_acquire(lock)


def test_release_leaves_a_lock_someone_took_over(tmp_path: Path) -> None:
    lock = str(tmp_path / "b.lock")
    Path(lock).write_text(f"{_dead_pid()} 1.0\n")
    _pidlock.release(lock)
    assert Path(lock).exists()


def test_forced_build_lock_refuses_a_second_build_and_a_killed_one_leaves_no_stale_lock(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(platform.FORCE_ENV, "1")
    out = tmp_path / "outputs"
    with BuildLock(out):
        assert (out / ".build.pid.lock").is_file()
        holder = subprocess.run([sys.executable, "-c", f"from report_kit.batch import BuildLock\n"
                                 f"BuildLock({str(out)!r}).__enter__()"], capture_output=True, text=True,
                                env={**os.environ, platform.FORCE_ENV: "1"})
        assert "BuildLockedError" in holder.stderr and f"pid {os.getpid()}" in holder.stderr
    # a build killed while holding the lock: its file stays, names a dead pid, and is taken over
    killed = subprocess.Popen([sys.executable, "-c", f"import os\nfrom report_kit.batch import BuildLock\n"
                               f"BuildLock({str(out)!r}).__enter__(); print('held', flush=True)\n"
                               "import time; time.sleep(60)"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, platform.FORCE_ENV: "1"})
    assert killed.stdout is not None and killed.stdout.readline().strip() == "held"
    with pytest.raises(BuildLockedError):
        BuildLock(out).__enter__()
    killed.kill()
    killed.wait()
    assert (out / ".build.pid.lock").is_file()
    with BuildLock(out):
        pass
    assert not (out / ".build.pid.lock").exists()


def test_forced_agency_lock_is_a_pid_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(platform.FORCE_ENV, "1")
    with OutputRoot(tmp_path) as root:
        slot = root.slot(2019, "some-agency")
        with slot.lock(wait=0):
            assert (tmp_path / "2019" / ".some-agency.pid.lock").is_file()
            from report_kit.outdir import AgencyLockedError

            with pytest.raises(AgencyLockedError), root.slot(2019, "some-agency").lock(wait=0.2):
                pass
        assert not (tmp_path / "2019" / ".some-agency.pid.lock").exists()
