"""report_kit.kernels: forked and spawned kernels, their limits, the fork parent, the folder sweep.

Real kernels throughout (no mocks): each test starts kernels through the same manager class a build uses.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from report_kit import kernels
from report_kit.errors import PipelineError
from report_kit.kernels import _fork, _limits, _warmup
from report_kit.kernels._provisioners import ipykernel_command

from ._hardening import build, build_cmd, small_tree, tagged_env, tagged_processes, wait_gone
from .conftest import ROOT

TEMPLATE = ROOT / "notebooks" / "annual_report.ipynb"
STARTS = [pytest.param("fork", marks=pytest.mark.skipif(not kernels.fork_available(), reason="no pidfd")),
          "spawn"]


def test_cpu_budget_is_derived_from_the_timeout() -> None:
    assert kernels.cpu_budget(600, 13) == 600 * 13 + _limits.START_ALLOWANCE
    assert kernels.cpu_budget(2.5, 2) == 5 + _limits.START_ALLOWANCE
    for no_limit in (None, 0, -1, math.nan, math.inf):
        assert kernels.cpu_budget(no_limit, 13) is None


def test_only_this_interpreters_ipykernel_is_forked() -> None:
    me = sys.executable
    assert ipykernel_command([me, "-Xfrozen_modules=off", "-m", "ipykernel_launcher", "-f", "c.json"]) == (
        [me, "-Xfrozen_modules=off"], ["-f", "c.json"])
    assert ipykernel_command([me, "-m", "ipykernel", "-f", "c.json"]) == ([me], ["-f", "c.json"])
    assert ipykernel_command(["/usr/bin/env", "python3", "-m", "ipykernel_launcher"]) is None  # another interpreter
    assert ipykernel_command([me, "-m", "some_other_kernel", "-f", "c.json"]) is None
    assert ipykernel_command([me, "script.py", "-m", "ipykernel_launcher"]) is None


def test_every_warm_up_step_still_works() -> None:
    # a renamed cache would only make kernels slower, silently: say so here instead
    assert _warmup.warm() == []


def test_sweep_removes_only_the_folders_of_dead_processes() -> None:
    finished = subprocess.Popen(["true"])  # its pid stands for a worker that no longer exists
    finished.wait()
    dead = Path(tempfile.mkdtemp(prefix=f"{kernels.HOME_PREFIX}{finished.pid}-"))
    (dead / "k-0123.json").write_text("{}")  # a connection file: it holds the kernel's signing key
    live = Path(tempfile.mkdtemp(prefix=f"{kernels.HOME_PREFIX}{os.getpid()}-"))
    try:
        assert dead in kernels.sweep()
        assert not dead.exists()
        assert live.exists()
    finally:
        for folder in (live, dead):
            if folder.exists():
                for f in folder.iterdir():
                    f.unlink()
                folder.rmdir()


class Kernel:
    """A kernel started by the build's manager class, with a client; ``run`` returns what the code printed."""

    def __init__(self, start: str, cpu_seconds: int | None = None, **env: str) -> None:
        self.km = kernels.manager_class(start, cpu_seconds, kernels.PRELOAD)(kernel_name="python3")
        self.env = {**os.environ, **env}
        self.kc: Any = None

    async def __aenter__(self) -> Kernel:
        await self.km.start_kernel(cwd=str(TEMPLATE.parent), env=self.env,
                                   extra_arguments=["--HistoryManager.hist_file=:memory:"])
        self.kc = self.km.client()
        self.kc.start_channels()
        await self.kc.wait_for_ready(timeout=60)
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.kc.stop_channels()
        if await self.km.is_alive():
            await self.km.shutdown_kernel(now=True)
        else:
            await self.km.cleanup_resources()

    @property
    def pid(self) -> int:
        return self.km.provisioner.process.pid

    async def run(self, code: str, timeout: float = 60) -> str:
        out: list[str] = []

        def hook(msg: dict[str, Any]) -> None:
            if msg["msg_type"] == "stream":
                out.append(msg["content"]["text"])
            elif msg["msg_type"] == "error":
                out.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")

        await self.kc.execute_interactive(textwrap.dedent(code), output_hook=hook, timeout=timeout)
        return "".join(out)


PROBE = """
import os, sys
print(os.getpid(), os.getppid(), os.getcwd(), os.environ.get("JPY_PARENT_PID"), os.environ.get("RK_PROBE"),
      "leftover" in globals(), os.path.basename(sys.argv[0]), sys.path.count(""), os.getsid(0) == os.getpid())
leftover = 1
"""


@pytest.mark.slow
def test_forked_kernels_are_new_processes_set_up_like_spawned_ones() -> None:
    async def probe(start: str) -> list[list[str]]:
        seen = []
        for _ in range(2):
            async with Kernel(start, RK_PROBE="from-env") as k:
                seen.append((await k.run(PROBE)).split())
        return seen

    forked, spawned = asyncio.run(probe("fork")), asyncio.run(probe("spawn"))
    (pid1, ppid1, *rest1), (pid2, ppid2, *rest2) = forked
    assert pid1 != pid2  # a brand-new process per kernel …
    assert ppid1 == ppid2 != str(os.getpid())  # … forked by one parent, not by us
    assert Path(f"/proc/{ppid1}/comm").read_text().strip() == _limits.PARENT_NAME
    # cwd, JPY_PARENT_PID (this process), the environment asked for, a clean namespace, argv[0], '' in
    # sys.path once, its own session: what a spawned kernel has
    expected = [str(TEMPLATE.parent), str(os.getpid()), "from-env", "False", "ipykernel_launcher.py", "1", "True"]
    assert rest1 == rest2 == expected
    assert [s[2:] for s in spawned] == [expected, expected]
    kernels.stop_fork_parent()
    assert not Path(f"/proc/{ppid1}").exists() or Path(f"/proc/{ppid1}/stat").read_text().split()[2] == "Z"


@pytest.mark.slow
@pytest.mark.parametrize("start", STARTS)
def test_cpu_limit_stops_a_kernel_that_runs_away(start: str) -> None:
    async def main() -> int | None:
        async with Kernel(start, cpu_seconds=2) as k:
            k.kc.execute("while True: pass")
            await asyncio.wait_for(k.km.provisioner.exited(), timeout=120)
            return await k.km.provisioner.poll()

    code = asyncio.run(main())
    assert code == _limits.EXIT_CPU, _limits.describe_exit(code)


@pytest.mark.slow
def test_fork_parent_refuses_to_fork_once_it_runs_threads(tmp_path: Path) -> None:
    # a module among the preloads that starts a thread: a child would inherit only the forking thread
    (tmp_path / "rk_threaded_probe.py").write_text(
        "import threading, time\nthreading.Thread(target=time.sleep, args=(3600,), daemon=True).start()\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    parent = _fork.ForkParent([sys.executable], ["rk_threaded_probe"], env)
    try:
        with pytest.raises(PipelineError, match="2 threads"):
            parent.fork(["-f", str(tmp_path / "none.json")], env, str(tmp_path), None)
    finally:
        parent.close()
    assert parent.process.returncode is not None


@pytest.mark.slow
def test_fork_parent_is_replaced_when_report_kit_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    env = dict(os.environ)
    first = _fork.parent([sys.executable], [], env)
    assert _fork.parent([sys.executable], [], env) is first
    monkeypatch.setattr(_fork, "source_stamp", lambda: (("changed", 0, 0),))
    second = _fork.parent([sys.executable], [], env)
    try:
        assert second is not first
        assert first.process.poll() is not None  # the old parent was stopped
    finally:
        _fork.stop()


STUCK = """
import os, re
if ay.slug == "hunan-zhuzhou-kgxj":
    open(os.environ["RK_STUCK_MARK"], "w").close()
    re.match(r"(a|aa)+$", "a" * 90 + "b")  # exponential backtracking in C, with the GIL held
"""


def _stuck_template(tmp: Path) -> Path:
    import nbformat

    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(STUCK, metadata={"tags": ["review"]}))
    path = tmp / "stuck" / "annual_report.ipynb"
    path.parent.mkdir(parents=True)
    nbformat.write(nb, path)
    return path


def _stuck_kernel(tag: str, proc: subprocess.Popen[bytes], mark: Path) -> int:
    """The tagged kernel, a second after it entered the stuck regex."""
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and proc.poll() is None and not mark.exists():
        time.sleep(0.1)
    time.sleep(1)
    stuck = [p.pid for p in tagged_processes(tag) if p.kernel]
    assert len(stuck) == 1, f"no kernel got stuck: {stuck}"
    return stuck[0]


@pytest.mark.slow
@pytest.mark.parametrize(("start", "victim"), [
    pytest.param("fork", "build", marks=STARTS[0].marks), pytest.param("fork", "fork parent", marks=STARTS[0].marks),
    ("spawn", "build")])
def test_a_kernel_stuck_in_c_code_is_gone_when_its_build_or_parent_is_killed(tmp_path: Path, start: str,
                                                                              victim: str) -> None:
    small_tree(tmp_path / "params")
    template = _stuck_template(tmp_path)
    tag = f"rk-stuck-{os.getpid()}-{start}-{victim.replace(' ', '-')}"
    mark = tmp_path / "stuck.mark"

    with (tmp_path / "build.log").open("wb") as log:
        cmd = build_cmd("--jobs", "1", "--template", str(template), "--kernel-start", start, "--outputs", "out")
        proc = subprocess.Popen(cmd, cwd=tmp_path, env=tagged_env(tag, RK_STUCK_MARK=str(mark)), stdout=log,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        try:
            kernel = _stuck_kernel(tag, proc, mark)
            owners = {p.pid for p in tagged_processes(tag)}
            if victim == "build":
                os.killpg(proc.pid, signal.SIGKILL)  # the build's process group: a kernel has a session of its own
            else:
                (parent,) = [p for p in tagged_processes(tag) if p.fork_parent]
                os.kill(parent.pid, signal.SIGKILL)
            deadline = time.monotonic() + 10  # no poller thread can run in that kernel: only a signal ends it
            while _running(kernel) and time.monotonic() < deadline:
                time.sleep(0.1)
            survived = _running(kernel)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            left = wait_gone(tag, grace=10)
            for p in left:  # only what this test started (its tag): a stuck kernel would spin for ever
                os.kill(p.pid, signal.SIGKILL)
    assert not survived, f"kernel {kernel} still running 10 s after its {victim} was killed"
    assert left == []
    # nothing the killed processes cleaned up stays: their kernel folders (connection files with the
    # kernels' keys, sockets) go with the next sweep, which every kernel start runs
    kernels.sweep()
    folders = [f.name for f in Path(tempfile.gettempdir()).glob(f"{kernels.HOME_PREFIX}*-*")
               if f.name[len(kernels.HOME_PREFIX):].split("-")[0] in {str(pid) for pid in owners}]
    assert folders == []


def _running(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _findings(notebook: Path) -> list[dict[str, Any]]:
    return json.loads(notebook.read_text("utf-8"))["metadata"]["report_kit"]["findings"]


def test_an_unknown_kernel_start_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PipelineError, match="--kernel-start"):
        kernels.manager_for(TEMPLATE, 600, "thread")


@pytest.mark.slow
def test_small_tree_builds_on_both_routes_are_byte_identical(tmp_path: Path) -> None:
    if not kernels.fork_available():
        pytest.skip("no pidfd")
    small_tree(tmp_path / "params")
    outs = {}
    for start in ("fork", "spawn"):
        done = build(tmp_path, "--jobs", "2", "--kernel-start", start, "--outputs", start, "--to", "docx",
                     tag=f"rk-routes-{os.getpid()}-{start}")
        assert done.returncode == 0, done.stderr
        outs[start] = {p.relative_to(tmp_path / start): p.read_bytes() for p in (tmp_path / start).rglob("*")
                       if p.is_file() and p.name in ("report.html", "report.docx", "index.html", "summary.csv")}
        outs[start].update({p.relative_to(tmp_path / start): json.dumps(_findings(p)).encode()
                            for p in (tmp_path / start).rglob("report.ipynb")})
    assert sorted(outs["fork"]) == sorted(outs["spawn"])
    assert len([p for p in outs["fork"] if p.name == "report.html"]) == 3
    assert len([p for p in outs["fork"] if p.name == "report.ipynb"]) == 3
    assert [p for p in outs["fork"] if outs["fork"][p] != outs["spawn"][p]] == []


@pytest.mark.slow
@pytest.mark.parametrize("start", STARTS)
def test_a_kernel_that_dies_says_how(tmp_path: Path, start: str) -> None:
    import nbformat

    from report_kit import params as params_io
    from report_kit import pipeline

    nb = nbformat.read(TEMPLATE, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("import os, signal\nos.kill(os.getpid(), signal.SIGKILL)",
                                              metadata={"tags": ["review"]}))
    template = tmp_path / "dies" / "annual_report.ipynb"
    template.parent.mkdir()
    nbformat.write(nb, template)
    seed = ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml"
    with pytest.raises(PipelineError, match=r"Kernel died \(the kernel was killed by SIGKILL\)"):
        pipeline.execute(template, pipeline.parameters_for(seed, params_io.load(seed)), None, 60, start)
