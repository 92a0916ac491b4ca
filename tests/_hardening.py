"""Shared by the hardening tests (faults, determinism, escaping): a small real params tree, builds of it,
and the processes a build leaves behind.

Every build gets an environment variable with a tag of its own; kernels, workers and the forkserver
inherit it, so whatever a build started can be found afterwards even once it has been re-parented
(psutil when installed, else /proc).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from .conftest import ROOT

TAG_VAR = "RK_HARDENING_TAG"
SEED = ROOT / "params" / "2019" / "zhuzhou-county-kgxj.yaml"
KEWEI = ROOT / "params" / "2024" / "shanghai-kewei.yaml"
# (year, slug, source params, agency name or None to keep it): both official formats, two agencies in one year
SMALL_TREE = (
    (2019, "hunan-zhuzhou-kgxj", SEED, None),
    (2024, "shanghai-kewei-a", KEWEI, None),
    (2024, "shanghai-kewei-b", KEWEI, "上海市科学技术委员会机关"),
)


def small_tree(params_root: Path) -> list[str]:
    """Copies of the two bundled real params files under new slugs, plus their registry; returns the slugs."""
    lines = ["agencies:"]
    for year, slug, source, agency in SMALL_TREE:
        text = source.read_text("utf-8")
        old_slug = source.stem
        text = text.replace(f"slug: {old_slug}", f"slug: {slug}", 1)
        name = _field(text, "agency")
        if agency is not None:
            text = text.replace(f"agency: {name}", f"agency: {agency}", 1)
            name = agency
        path = params_root / str(year) / f"{slug}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        lines.append(f"  - {{slug: {slug}, name: {name}, first_year: {year}}}")
    (params_root / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [slug for _, slug, _, _ in SMALL_TREE]


def _field(text: str, key: str) -> str:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"{key}:"))
    return line.split(":", 1)[1].split("#", 1)[0].strip()


def build_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "report_kit", "build", *args]


def tagged_env(tag: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != TAG_VAR}
    return {**env, TAG_VAR: tag, **extra}


def build(cwd: Path, *args: str, tag: str, timeout: float = 300, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(build_cmd(*args), cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=tagged_env(tag, **env), stdin=subprocess.DEVNULL)


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    cmdline: str
    name: str = ""  # /proc/PID/comm

    @property
    def kernel(self) -> bool:  # a forked kernel has its fork parent's command line and a name of its own
        return "ipykernel_launcher" in self.cmdline or self.name == "rk-kernel"

    @property
    def fork_parent(self) -> bool:
        return self.name == "rk-fork-parent"


def tagged_processes(tag: str) -> list[Proc]:
    """Live (not zombie) processes whose environment carries ``tag``."""
    try:
        import psutil
    except ImportError:
        return _tagged_proc(tag)
    out = []
    for p in psutil.process_iter():
        try:
            if p.status() == psutil.STATUS_ZOMBIE or p.environ().get(TAG_VAR) != tag:
                continue
            out.append(Proc(p.pid, p.ppid(), " ".join(p.cmdline()), p.name()))
        except (psutil.Error, OSError):
            continue
    return out


def _tagged_proc(tag: str) -> list[Proc]:
    want = f"{TAG_VAR}={tag}".encode()
    out = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            if want not in Path(f"/proc/{name}/environ").read_bytes().split(b"\0"):
                continue
            stat = Path(f"/proc/{name}/stat").read_text()
            state, ppid = stat.rsplit(")", 1)[1].split()[:2]
            cmd = Path(f"/proc/{name}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            comm = Path(f"/proc/{name}/comm").read_text().strip()
        except OSError:
            continue
        if state != "Z":
            out.append(Proc(int(name), int(ppid), cmd.strip(), comm))
    return out


def workers(procs: list[Proc]) -> list[Proc]:
    """Pool workers: forked by the build's forkserver, so their parent runs the forkserver too (or, with the
    portable routes, spawned: their own command line says so)."""
    servers = {p.pid for p in procs if "multiprocessing.forkserver" in p.cmdline}
    return [p for p in procs if p.ppid in servers or "multiprocessing.spawn" in p.cmdline]


def wait_gone(tag: str, grace: float = 20) -> list[Proc]:
    """Processes of ``tag`` still alive after ``grace`` seconds (a kernel notices a dead parent within ~1 s)."""
    deadline = time.monotonic() + grace
    while True:
        left = tagged_processes(tag)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.25)


def kill_all(procs: list[Proc]) -> None:
    """Clean up after a failed orphan check: only the processes this test started (found by their tag)."""
    import signal

    for p in procs:
        with contextlib.suppress(ProcessLookupError):
            os.kill(p.pid, signal.SIGKILL)
