"""kill -9 at random moments of real batch builds: nothing half-written, nothing left running, no stale lock.

A seeded schedule (reproducible kinds, phases and delays; the exact instant still depends on the machine)
of at least 20 SIGKILLs over a small real tree (the two bundled params files under three slugs, both
formats), each during a short ``build --jobs 2`` of one to three agencies and a random delay after a
phase of it (launch, first worker, first kernel, first output written):

- the whole build process group (what a terminal's hang-up or a container stop does),
- the build's main process only (an operator's ``kill -9 PID``, the OOM killer),
- one pool worker, one Jupyter kernel, one kernel fork parent (found among the build's processes by an
  inherited tag).

Shots alternate between forked kernels (``--kernel-start fork``) and spawned ones.

After each kill: every visible output is complete (report.html byte-identical to an undisturbed build,
report.ipynb a valid notebook, pages closed, the input stamp only beside finished outputs), temporary
files and unfinished sets only under hidden names, no process of the build still running (kernels included), the build
lock free, and the next ``build`` completes with report.html byte-identical to the undisturbed build
and no temporary file left anywhere. ``RK_FAULT_KILLS=N`` runs fewer kills for a quick look.

The same loop runs a CI-budget subset with the portable routes forced (``REPORT_KIT_PORTABLE=1``: spawned
kernels on TCP, a spawn pool, the pid lock file, pid polling, no parent-death signal or CPU limit): one kill
of the build's main process (it leaves a stale pid lock file, to be taken over; a dead worker's orphaned
kernel is covered by test_batch's portable run). ``RK_PORTABLE_KILLS=2`` adds a pool worker, ``4`` the
build's process group and a kernel too (the fork parent does not exist with these routes).
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest
from lxml import html as lxml_html

from report_kit import platform
from report_kit.batch import BuildLock
from report_kit.batch._lock import BuildLockedError
from report_kit.stamps import STAMP, Inputs

from ._hardening import build, build_cmd, kill_all, small_tree, tagged_env, tagged_processes, wait_gone, workers
from .fuzz_tally import count

pytestmark = pytest.mark.slow

SEED = 20240817
KINDS = ("build process group", "build main process", "worker", "kernel", "fork parent")
ROUTES = ("fork", "spawn")  # shots alternate between the two ways of starting kernels (fork parent kills: fork)
# kills that landed (a kill aimed after the build already ended is drawn again); fewer for a quick look
KILLS = int(os.environ.get("RK_FAULT_KILLS", "20"))
# no fork parent with the portable routes; the first two are where they change the clean-up most
PORTABLE_KINDS = ("build main process", "worker", "build process group", "kernel")
PORTABLE_KILLS = int(os.environ.get("RK_PORTABLE_KILLS", "1"))  # CI budget: the stale-lock case
MAX_SHOTS = 36
HANG = 180  # s: a build that outlives a kill by this much is stuck (an undisturbed one takes ~10 s)
OUTPUTS = ("report.html", "report.ipynb", "review.html")


@dataclass(frozen=True)
class Shot:
    kind: str
    anchor: str  # the kill comes after: "start" (launch), the first "worker" or "kernel" seen, the first "output"
    delay: float  # seconds after the anchor
    pick: float  # 0..1: which of the live workers/kernels
    rebuild: tuple[str, ...] | None  # slugs whose stamp is removed first; None: --force


ANCHORS = {"start": 3.0, "worker": 2.5, "kernel": 3.0, "output": 1.0, "fork parent": 3.0}  # longest delay after each


def _schedule(rng: random.Random, slugs: list[str], all_kinds: tuple[str, ...] = KINDS) -> list[Shot]:
    kinds = [all_kinds[i % len(all_kinds)] for i in range(MAX_SHOTS)]
    rng.shuffle(kinds)
    shots = []
    turn = dict.fromkeys(all_kinds, 0)
    for kind in kinds:
        force = rng.random() < 0.25
        subset = tuple(sorted(rng.sample(slugs, rng.randint(1, 2))))
        if kind.startswith("build"):  # every phase of a build in turn: launch, workers, kernels, writing
            anchor = list(ANCHORS)[turn[kind] % len(ANCHORS)]
            turn[kind] += 1
        else:
            anchor = kind
        shots.append(Shot(kind, anchor, rng.uniform(0, ANCHORS[anchor]), rng.random(), None if force else subset))
    return shots


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str], dict[str, bytes]]:
    """The tree, its slugs and report.html of an undisturbed build per slug."""
    root = tmp_path_factory.mktemp("faults")
    slugs = small_tree(root / "params")
    ref = build(root, "--jobs", "2", "--outputs", "reference", tag=f"rk-ref-{os.getpid()}")
    assert ref.returncode == 0, ref.stderr
    reports = {p.parent.name: p.read_bytes() for p in (root / "reference").rglob("report.html")}
    assert sorted(reports) == sorted(slugs)
    for data in reports.values():
        assert lxml_html.document_fromstring(data).find(".//main") is not None
    return root, slugs, reports


def inspect_outputs(out: Path, reference: dict[str, bytes], settled: bool) -> list[str]:
    """Everything wrong with the outputs folder; ``settled``: a build just completed on it."""
    problems = []
    if not out.is_dir():
        return problems
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel, name = path.relative_to(out), path.name
        if any(part.startswith(".") for part in rel.parts[:-1]):  # a set being written (.<slug>.stage-…) or aside
            if settled:
                problems.append(f"{rel}: an unfinished or replaced set left behind by a killed build")
            continue
        if name.endswith(".lock"):
            continue
        if name.endswith(".tmp"):
            if not name.startswith("."):
                problems.append(f"{rel}: temporary file under a visible name")
            elif settled:
                problems.append(f"{rel}: temporary file left behind by a killed build")
            continue
        data = path.read_bytes()
        if name == "report.html":
            if data != reference.get(path.parent.name):
                problems.append(f"{rel}: not the report an undisturbed build writes ({len(data)} bytes)")
        elif name in ("report.ipynb", "failed.ipynb"):  # failed.ipynb: an agency whose kernel was killed
            if settled and name == "failed.ipynb":
                problems.append(f"{rel}: a failure record left beside a successful build")
            try:
                nb = nbformat.reads(data.decode("utf-8"), as_version=4)
                nbformat.validate(nb)
                if name == "report.ipynb" and "findings" not in nb.metadata.get("report_kit", {}):
                    raise ValueError("no run record in the metadata")
            except Exception as exc:  # any parse or validation failure is a half-written notebook
                problems.append(f"{rel}: not a complete notebook: {type(exc).__name__}: {str(exc)[:120]}")
        elif name in ("review.html", "index.html"):
            if not data.rstrip().endswith(b"</html>"):
                problems.append(f"{rel}: page does not end with </html> ({len(data)} bytes)")
        elif name == "summary.csv":
            rows = list(csv.reader(data.decode("utf-8-sig").splitlines()))
            if not rows or rows[0][:2] != ["year", "slug"] or any(len(r) != len(rows[0]) for r in rows):
                problems.append(f"{rel}: not a complete table")
        elif name == STAMP:
            if Inputs.from_bytes(data) is None:
                problems.append(f"{rel}: not a complete stamp")
            missing = [n for n in OUTPUTS if not (path.parent / n).is_file()]
            if missing:
                problems.append(f"{rel}: stamp beside unfinished outputs (missing {', '.join(missing)})")
        else:
            problems.append(f"{rel}: unexpected file")
    if settled:
        built = {p.parent.name for p in out.rglob("report.html")}
        if built != set(reference):
            problems.append(f"reports after the build: {sorted(built)}, expected {sorted(reference)}")
        rows = [r for r in csv.DictReader((out / "summary.csv").read_text("utf-8-sig").splitlines())
                if r["status"] != "missing"]  # registered for a year the tree has no params for (as the reference)
        if sorted((r["slug"], r["status"] == "ok") for r in rows) != [(s, True) for s in
                                                                                      sorted(reference)]:
            problems.append(f"summary.csv after the build: {[(r['slug'], r['status']) for r in rows]}")
    return problems


def _prepare(out: Path, shot: Shot) -> list[str]:
    if shot.rebuild is None:
        return ["--force"]
    for folder in out.glob("*/*"):
        if folder.name in shot.rebuild:
            (folder / STAMP).unlink(missing_ok=True)
    return []


def _strike(proc: subprocess.Popen[bytes], shot: Shot, tag: str, out: Path, launched: float) -> str | None:
    """Send one SIGKILL as the shot says; what was killed, or None when the build ended first."""

    def targets(kind: str) -> list[int]:
        procs = tagged_processes(tag)
        if kind == "kernel":
            return sorted(p.pid for p in procs if p.kernel)
        if kind == "fork parent":
            return sorted(p.pid for p in procs if p.fork_parent)
        return sorted(p.pid for p in workers(procs))

    def writing() -> bool:
        return any(p.stat().st_mtime >= launched for p in out.glob("*/*/report.ipynb"))

    if shot.anchor != "start":
        while proc.poll() is None and not (writing() if shot.anchor == "output" else targets(shot.anchor)):
            time.sleep(0.02)
    deadline = time.monotonic() + shot.delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.01)
    while proc.poll() is None:
        if shot.kind.startswith("build"):
            try:
                (os.killpg if shot.kind == "build process group" else os.kill)(proc.pid, signal.SIGKILL)
            except ProcessLookupError:  # ended in between
                return None
            return f"{shot.kind} {proc.pid}"
        live = targets(shot.kind)  # the one seen first may have finished: any live one will do
        if live:
            pid = live[int(shot.pick * len(live))]
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
                return f"{shot.kind} {pid}"
        time.sleep(0.01)
    return None


def _lock_is_free(out: Path) -> bool:
    try:
        with BuildLock(out):
            return True
    except BuildLockedError:
        return False


@pytest.mark.parametrize("route", ["native", "portable"])
def test_kill_loop(tree: tuple[Path, list[str], dict[str, bytes]], route: str,
                   monkeypatch: pytest.MonkeyPatch) -> None:
    root, slugs, reference = tree
    portable = route == "portable"
    kinds, wanted, routes = (PORTABLE_KINDS, PORTABLE_KILLS, ("spawn",)) if portable else (KINDS, KILLS, ROUTES)
    if portable:  # the builds inherit it; so does this process's own lock check (_lock_is_free)
        monkeypatch.setenv(platform.FORCE_ENV, "1")
    out = root / f"outputs-{route}"
    rng = random.Random(SEED)
    kills: dict[str, int] = dict.fromkeys(kinds, 0)
    failures: list[str] = []
    for i, shot in enumerate(_schedule(rng, slugs, kinds)):
        if sum(kills.values()) >= wanted:
            break
        if portable and (kills[shot.kind] or shot.kind not in kinds[:wanted]):  # one of each of the first kinds
            continue
        args = [*_prepare(out, shot), "--kernel-start",
                "fork" if shot.kind == "fork parent" else routes[i % len(routes)]]
        began, launched = time.monotonic(), time.time()
        tag = f"rk-fault-{os.getpid()}-{i}"
        log = root / f"shot-{i}.log"
        with log.open("wb") as fh:  # a file, not a pipe: processes that outlive the build may hold it open
            proc = subprocess.Popen(build_cmd("--jobs", "2", "--outputs", out.name, *args), cwd=root,
                                    env=tagged_env(tag), stdout=fh, stderr=subprocess.STDOUT,
                                    stdin=subprocess.DEVNULL, start_new_session=True)
            what = _strike(proc, shot, tag, out, launched)
            try:
                proc.wait(timeout=HANG)
                hung = False
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                hung = True
        if what is None:
            continue
        kills[shot.kind] += 1
        problems: dict[str, list[str]] = {"hang": [], "orphan-kernel": [], "lost-output": [], "traceback": []}
        if hung:
            problems["hang"].append(f"the build did not end within {HANG} s of the kill")
        left = wait_gone(tag)
        if left:
            problems["orphan-kernel"] += [f"still running {p.pid} (parent {p.ppid}): {p.cmdline[:90]}" for p in left]
            kill_all(left)
        text = log.read_text("utf-8", errors="replace")
        # the build survived: failures are reported, without a traceback
        if shot.kind in ("worker", "kernel", "fork parent") and "Traceback" in text:
            problems["traceback"].append(f"the disturbed build printed a traceback:\n{text[-1500:]}")
        if not _lock_is_free(out):
            problems["lost-output"].append("the build lock is still held after the build died")
        problems["lost-output"] += inspect_outputs(out, reference, settled=False)
        again_tag = f"{tag}-again"
        again = build(root, "--jobs", "2", "--outputs", out.name, tag=again_tag)
        if again.returncode != 0:
            problems["lost-output"].append(f"the next build failed ({again.returncode}):\n{again.stderr[-1500:]}")
        if "Traceback" in again.stderr:
            problems["traceback"].append(f"the next build printed a traceback:\n{again.stderr[-1500:]}")
        problems["lost-output"] += inspect_outputs(out, reference, settled=True)
        left = wait_gone(again_tag)
        if left:
            problems["orphan-kernel"] += [f"the next build left {p.pid}: {p.cmdline[:90]}" for p in left]
            kill_all(left)
        outcome = next((k for k, v in problems.items() if v), "valid")
        count(f"kill -9 {shot.kind}" + (" (portable)" if portable else ""), outcome)
        print(f"shot {i}: {what} at {shot.anchor}+{shot.delay:.1f}s: {outcome} ({time.monotonic() - began:.1f} s)")
        for kind, found in problems.items():
            failures += [f"shot {i} ({what}, {'--force' if shot.rebuild is None else shot.rebuild}): {kind}: {p}"
                         for p in found]
    assert not failures, "\n".join(failures)
    assert sum(kills.values()) >= wanted, f"only {kills} kills landed before the builds ended"
    assert all(kills.values()) or len(kinds) > wanted, kills


def test_kill_during_a_write_keeps_the_old_file_and_the_next_build_clears_the_temp(
        tree: tuple[Path, list[str], dict[str, bytes]]) -> None:
    """A writer killed between creating its temporary file and renaming it (the widest window, made wide on
    purpose with a large payload): the old report stays, and the next build removes the litter."""
    root, _, reference = tree
    out = root / "write-kill"
    first = build(root, "--jobs", "2", "--outputs", out.name, tag=f"rk-write-{os.getpid()}")
    assert first.returncode == 0, first.stderr
    target = next(out.rglob("report.html"))
    code = ("import sys; from pathlib import Path; from report_kit.files import atomic_write_bytes\n"
            "atomic_write_bytes(Path(sys.argv[1]), b'<p>half</p>\\n' * (6 << 20))")  # 72 MB: a wide window
    writer = subprocess.Popen([sys.executable, "-c", code, str(target)], start_new_session=True)
    caught: list[Path] = []
    while writer.poll() is None and not caught:
        caught = list(target.parent.glob(".report.html.*.tmp"))
    if caught:
        os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    assert caught, "the writer finished before its temporary file was seen"
    assert caught[0].exists()
    assert target.read_bytes() == reference[target.parent.name]  # the good report is untouched
    assert inspect_outputs(out, reference, settled=False) == []
    again = build(root, "--jobs", "2", "--outputs", out.name, tag=f"rk-write-{os.getpid()}-again")
    assert again.returncode == 0, again.stderr
    assert "0 built, 3 up to date" in again.stdout  # nothing to rebuild: the litter goes all the same
    problems = inspect_outputs(out, reference, settled=True)
    count("kill -9 during a write", "lost-output" if problems else "valid")
    assert problems == []
