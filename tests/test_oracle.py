"""The oracle: an incremental build always equals a clean build (issue 11).

A hypothesis ``RuleBasedStateMachine`` applies random sequences of what offices do — edit a figure or a text,
add, remove or rename an agency, move a file into the wrong year folder or copy it there, reword phrases.yaml,
change a template cell, build with and without ``--year``, ``--to docx``, ``--drop docx``, ``--force`` and
``--kernel-start spawn``, run one agency, kill a build (SIGKILL, SIGTERM, SIGINT) — and after each step checks:

- every agency-year the step built equals what a clean build of the same inputs holds (report.html, report.docx
  and the stamp byte for byte, the recorded figures and findings, review.html without its marked build-record
  block — the one place per page where what varies per build lives, so no filter of this test's own);
- where an agency failed, its previous good set stays, beside failed.ipynb when a kernel ran;
- after a kill, each agency folder holds either its complete old set or its complete new one;
- the index (summary.csv) lists every year with the state the model predicts, and no folder is left whose params
  file is gone; refused steps said so on stderr.

Clean builds are cached by their inputs, so a state seen before costs nothing. The CI profile runs a fixed
budget without shrinking (``RK_ORACLE=ci``, the default); ``RK_ORACLE=long`` is the maintainers' profile
(more and longer sequences, shrinking on). The number of sequences and steps run is printed at the end.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import nbformat
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from report_kit import params as params_io
from report_kit.export import strip_build_record

from ._hardening import tagged_env, wait_gone
from .checks_support import TEXT_2021, consistent, with_cells
from .conftest import ROOT
from .fuzz_tally import count

pytestmark = pytest.mark.slow

PROFILES = {
    "ci": settings(max_examples=15, stateful_step_count=4, deadline=None, database=None,
                   phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck),
                   print_blob=True),
    "smoke": settings(max_examples=3, stateful_step_count=4, deadline=None, database=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck)),
    "long": settings(max_examples=300, stateful_step_count=12, deadline=None, database=None,
                     suppress_health_check=list(HealthCheck), print_blob=True),
}
FIGURES = (1268, 1286)
TEXTS = (TEXT_2021["其他事项"], "本年度未收取信息处理费，也未发生其他需要报告的事项。",
         "故障：本段使模板的检查单元格出错。")
PHRASE = ("本年度新收", "本年度共新收")
FAIL_CELL = ("if '故障' in (ay.text.get('其他事项') or ''):\n"
             "    raise RuntimeError('deliberate failure for ' + ay.slug)")
TEMPLATE_CELL = ('from dataclasses import replace as _r\nfrom report_kit.content import Paragraph as _P\n'
                 'sections = [_r(s, paragraphs=s.paragraphs + (_P("本段由模板追加。"),)) if s.key == "其他事项" else s'
                 ' for s in sections]')
MAX_KILLS = int(os.environ.get("RK_ORACLE_KILLS", "1"))  # per sequence: a kill costs seconds of waiting

NAMES = {"a": "甲市科学技术局", "b": "乙市教育局", "c": "丙市民政局", "b2": "乙市教育局"}
SET_FILES = ("report.html", "report.ipynb", "review.html", ".inputs.json")


@dataclass
class Slot:
    """What the model expects in outputs/<year>/<slug>/."""

    good: str | None = None  # inputs key of the set it holds (None: no set)
    formats: tuple[str, ...] = ()  # the set's optional formats
    failed: str | None = None  # inputs key of the failure whose failed.ipynb it holds


@dataclass
class Tally:
    sequences: int = 0
    steps: int = 0
    builds: int = 0
    kills: int = 0
    clean_builds: int = 0
    rebuilt: int = 0  # agency-years an incremental build or run wrote anew (compared with a clean build)
    failures: int = 0  # agency-years whose build failed in the kernel (previous set kept, failed.ipynb)
    edits: list[str] = field(default_factory=list)
    findings: list[str] = field(default_factory=list)


TALLY = Tally()


def _sha(*parts: bytes | str | None) -> str:
    h = hashlib.sha256()
    for p in parts:
        h.update(b"-" if p is None else (p.encode() if isinstance(p, str) else p))
        h.update(b"\0")
    return h.hexdigest()[:16]


class Workspace:
    """Everything on disk: the package copy (phrases), the project (params, template, outputs), clean builds."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.pkg = base / "pkg"
        shutil.copytree(ROOT / "src" / "report_kit", self.pkg / "report_kit",
                        ignore=shutil.ignore_patterns("__pycache__"))
        self.proj = base / "proj"
        self.params = self.proj / "params"
        self.outputs = self.proj / "outputs"
        self.template = self.proj / "notebooks" / "annual_report.ipynb"
        self.clean = base / "clean"
        self.clean_cache: dict[str, Path | None] = {}  # key → folder of the clean build (None: it failed)
        self.initial_outputs = base / "initial-outputs"
        self.env = {**tagged_env(f"rk-oracle-{os.getpid()}"), "PYTHONPATH": str(self.pkg)}

    @property
    def phrases(self) -> Path:
        return self.pkg / "report_kit" / "narrative" / "phrases.yaml"

    def cli(self, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=cwd or self.proj, capture_output=True,
                              text=True, timeout=900, env=self.env, stdin=subprocess.DEVNULL)


def _template_bytes(variant: int) -> bytes:
    nb = nbformat.read(ROOT / "notebooks" / "annual_report.ipynb", as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "load_params(" in c.source) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(FAIL_CELL, metadata={"tags": ["review"]}))
    if variant:
        at = next(i for i, c in enumerate(nb.cells) if "sections = compose(" in c.source) + 1
        nb.cells.insert(at, nbformat.v4.new_code_cell(TEMPLATE_CELL, metadata={"tags": ["review"]}))
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i}"  # stable ids: the same variant gives the same bytes
    return nbformat.writes(nb).encode("utf-8")


@dataclass(frozen=True)
class Agency:
    slug: str
    figure: int = 0  # index into FIGURES
    text: int = 0  # index into TEXTS

    def content(self, year: int, claimed_year: int | None = None) -> str:
        ay = replace(consistent(year=claimed_year or year), slug=self.slug, agency=NAMES[self.slug])
        ay = with_cells(ay, ("二", "行政许可", "本年处理决定数量", FIGURES[self.figure]))
        return params_io.dumps(replace(ay, text={**ay.text, "其他事项": TEXTS[self.text]}))


class Oracle(RuleBasedStateMachine):
    ws: Workspace  # set by the test before the machine runs

    # ------------------------------------------------------------------------------------------ the world

    @initialize()
    def start(self) -> None:
        TALLY.sequences += 1
        ws = self.ws
        self.agencies: dict[tuple[int, str], Agency] = {(2023, "a"): Agency("a"), (2024, "a"): Agency("a"),
                                                        (2024, "b"): Agency("b")}
        self.registry: dict[str, int] = {"a": 2023, "b": 2023}  # slug → first year
        self.misplaced: tuple[int, int, str] | None = None  # (folder year, claimed year, slug)
        self.copied: tuple[int, str] | None = None  # a copy of (2024, slug) in the 2023 folder
        self.phrase = 0
        self.template = 0
        self.kills = 0
        self.slots: dict[tuple[int, str], Slot] = {}
        shutil.rmtree(ws.proj, ignore_errors=True)
        ws.template.parent.mkdir(parents=True)
        self._write_all()
        ws.phrases.write_text((ROOT / "src/report_kit/narrative/phrases.yaml").read_text("utf-8"), encoding="utf-8")
        if ws.initial_outputs.is_dir():
            shutil.copytree(ws.initial_outputs, ws.outputs, symlinks=True)
        else:
            result = ws.cli("build", "--jobs", "2")
            assert result.returncode == 0, result.stderr
            shutil.copytree(ws.outputs, ws.initial_outputs, symlinks=True)
        for place in self.agencies:
            self.slots[place] = Slot(good=self.key(place))
            self.check_set(place)  # the first time: the clean builds every sequence starts from

    def _write_all(self) -> None:
        ws = self.ws
        shutil.rmtree(ws.params, ignore_errors=True)
        ws.params.mkdir(parents=True)
        for (year, slug), ag in self.agencies.items():
            folder, claimed = year, None
            if self.misplaced and self.misplaced[1:] == (year, slug):
                folder, claimed = self.misplaced[0], year
            path = ws.params / str(folder) / f"{slug}.yaml"
            path.parent.mkdir(exist_ok=True)
            path.write_text(ag.content(year, claimed), encoding="utf-8")
        if self.copied:
            year, slug = self.copied
            (ws.params / "2023").mkdir(exist_ok=True)
            (ws.params / "2023" / f"{slug}.yaml").write_text(self.agencies[(year, slug)].content(year),
                                                             encoding="utf-8")
        lines = ["agencies:"] + [self.registry_line(s) for s in sorted(self.registry)]
        (ws.params / "agencies.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
        ws.template.write_bytes(_template_bytes(self.template))

    def registry_line(self, slug: str) -> str:
        return f"  - {{slug: {slug}, name: {NAMES[slug]}, first_year: {self.registry[slug]}}}"

    # ------------------------------------------------------------------------------------------ the model

    def files(self) -> dict[tuple[int, str], tuple[int, str]]:
        """(folder year, file stem) → the (year, slug) it claims, for every params file."""
        out = {}
        for year, slug in self.agencies:
            folder = self.misplaced[0] if self.misplaced and self.misplaced[1:] == (year, slug) else year
            out[(folder, slug)] = (year, slug)
        if self.copied:
            out[(2023, self.copied[1])] = self.copied
        return out

    def valid(self, place: tuple[int, str]) -> bool:
        """What identity checks say of the file at ``place`` (and its previous year, which must load)."""
        files = self.files()
        claim = files[place]
        if claim[0] != place[0] or claim[1] not in self.registry:
            return False
        if sum(1 for c in files.values() if c == claim) > 1:
            return False
        prev = (place[0] - 1, place[1])
        return prev not in files or files[prev][0] == prev[0]  # a misplaced previous year fails the load

    def key(self, place: tuple[int, str], formats: tuple[str, ...] | None = None) -> str:
        """The inputs of a valid agency-year, as precisely as the stamps see them."""
        year, slug = place
        prev = (year - 1, slug)
        files = self.files()
        prev_content = self.agencies[files[prev]].content(year - 1) if prev in files else None
        fmts = self.slots.get(place, Slot()).formats if formats is None else formats
        return _sha(self.agencies[(year, slug)].content(year), prev_content, self.registry_line(slug),
                    str(self.template), str(self.phrase), ",".join(fmts))

    def fails_in_kernel(self, place: tuple[int, str]) -> bool:
        return self.agencies[self.files()[place]].text == 2

    # ------------------------------------------------------------------------------------------ edits

    def places(self) -> list[tuple[int, str]]:
        return sorted(self.agencies)

    # Every edit changes something (a draw of "the same value again" would be a step that tests nothing).

    def edit_figure(self, data: st.DataObject) -> str:
        place = data.draw(st.sampled_from(self.places()))
        self.agencies[place] = replace(self.agencies[place], figure=1 - self.agencies[place].figure)
        return f"figure of {place}"

    def edit_text(self, data: st.DataObject) -> str:
        place = data.draw(st.sampled_from(self.places()))
        now = self.agencies[place].text
        self.agencies[place] = replace(self.agencies[place], text=data.draw(st.sampled_from(
            [t for t in range(len(TEXTS)) if t != now])))
        return f"text of {place}"

    def edit_phrases(self, data: st.DataObject) -> str:
        self.phrase = 1 - self.phrase
        text = (ROOT / "src/report_kit/narrative/phrases.yaml").read_text("utf-8")
        self.ws.phrases.write_text(text.replace(PHRASE[0], PHRASE[self.phrase]), encoding="utf-8")
        return "phrases.yaml"

    def edit_template(self, data: st.DataObject) -> str:
        self.template = 1 - self.template
        return "template"

    def add_agency(self, data: st.DataObject) -> str:
        self.agencies[(2024, "c")] = Agency("c")
        self.registry["c"] = 2024
        return "added c"

    def remove_agency(self, data: st.DataObject) -> str:
        del self.agencies[(2024, "c")]
        del self.registry["c"]
        return "removed c"

    def rename_agency(self, data: st.DataObject) -> str:
        old, new = ("b", "b2") if (2024, "b") in self.agencies else ("b2", "b")
        self.agencies[(2024, new)] = replace(self.agencies.pop((2024, old)), slug=new)
        self.registry[new] = self.registry.pop(old)
        return f"renamed {old} to {new}"

    def move_to_wrong_folder(self, data: st.DataObject) -> str:
        year, slug = data.draw(st.sampled_from([p for p in self.places() if p[0] == 2024]))
        self.misplaced = (2025, year, slug)
        return f"moved {year}/{slug} into the 2025 folder"

    def copy_to_wrong_folder(self, data: st.DataObject) -> str:
        self.copied = data.draw(st.sampled_from([p for p in self.places() if p[0] == 2024 and
                                                 (2023, p[1]) not in self.agencies]))
        return f"copied {self.copied} into the 2023 folder"

    def put_it_right(self, data: st.DataObject) -> str:
        self.misplaced = self.copied = None
        return "put the misplaced file right"

    def edits(self) -> list:
        """The edits that make sense in the current state (what an office could do next)."""
        out = [self.edit_figure, self.edit_text, self.edit_phrases, self.edit_template]
        c_busy = self.copied == (2024, "c") or bool(self.misplaced and self.misplaced[2] == "c")
        out.append(self.add_agency if (2024, "c") not in self.agencies else None if c_busy else self.remove_agency)
        if self.copied is None and not (self.misplaced and self.misplaced[2] in ("b", "b2")):
            out.append(self.rename_agency)
        if self.misplaced is None and self.copied is None:
            out.append(self.move_to_wrong_folder)
            if any(p[0] == 2024 and (2023, p[1]) not in self.agencies for p in self.places()):
                out.append(self.copy_to_wrong_folder)
        else:
            out.append(self.put_it_right)
        return [e for e in out if e is not None]

    @rule(data=st.data())
    def edit(self, data: st.DataObject) -> None:
        """One thing an office does to its inputs (one rule, so that builds are as likely as edits)."""
        what = data.draw(st.sampled_from(self.edits()), label="edit")
        note = what(data)
        self._write_all()
        TALLY.edits.append(note)

    # ------------------------------------------------------------------------------------------ builds

    @rule(to=st.sampled_from(["", "docx"]), drop=st.booleans(), force=st.booleans(), spawn=st.booleans())
    def build_all(self, to: str, drop: bool, force: bool, spawn: bool) -> None:
        self.build(None, to, drop, force, spawn)

    @rule(year=st.sampled_from([2023, 2024]), to=st.sampled_from(["", "docx"]), drop=st.booleans(),
          force=st.booleans(), spawn=st.booleans())
    def build_year(self, year: int, to: str, drop: bool, force: bool, spawn: bool) -> None:
        self.build(year, to, drop, force, spawn)

    def build(self, year: int | None, to: str, drop: bool, force: bool, spawn: bool) -> None:
        TALLY.steps += 1
        TALLY.builds += 1
        args = ["build", "--jobs", "2"]
        if year:
            args += ["--year", str(year)]
        if to:
            args += ["--to", to]
        elif drop:
            args += ["--drop", "docx"]
        if force:
            args.append("--force")
        if spawn:  # either start method makes the same files
            args += ["--kernel-start", "spawn"]
        result = self.ws.cli(*args)
        assert "Traceback" not in result.stderr, result.stderr
        assert result.returncode in (0, 1), result.stderr
        self.settle(year, ("docx",) if to else (), ("docx",) if drop and not to else (), result.stderr)
        self.check_index(year)

    @rule(data=st.data(), to=st.sampled_from(["", "docx"]))
    def run_one(self, data: st.DataObject, to: str) -> None:
        TALLY.steps += 1
        place = data.draw(st.sampled_from(sorted(self.files())))
        result = self.ws.cli("run", f"params/{place[0]}/{place[1]}.yaml", *(["--to", to] if to else []))
        assert "Traceback" not in result.stderr, result.stderr
        expect_ok = self.valid(place) and not self.fails_in_kernel(place)
        assert (result.returncode == 0) == expect_ok, (place, result.returncode, result.stderr)
        if not expect_ok:
            assert result.stderr.startswith("error: "), result.stderr  # refused, saying why
        self.apply(place, ("docx",) if to else (), ())
        self.check_set(place)

    @precondition(lambda self: self.kills < MAX_KILLS)
    @rule(how=st.sampled_from(["SIGKILL", "SIGTERM", "SIGINT"]), delay=st.floats(0.5, 5.0), force=st.booleans())
    def kill_build(self, how: str, delay: float, force: bool) -> None:
        TALLY.steps += 1
        TALLY.kills += 1
        self.kills += 1
        before = {p: replace(s) for p, s in self.slots.items()}
        proc = subprocess.Popen([sys.executable, "-m", "report_kit", "build", "--jobs", "2",
                                 *(["--force"] if force else [])], cwd=self.ws.proj, env=self.ws.env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
        time.sleep(delay)
        sig = getattr(signal, how)
        if how == "SIGKILL":
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=120)
        wait_gone(self.ws.env["RK_HARDENING_TAG"], grace=10)
        assert "Traceback" not in stderr and "Task exception" not in stderr, stderr
        finished = proc.returncode in (0, 1)
        # a signal that arrives before the interpreter has installed report-kit's handler (under load, start-up
        # can take seconds) takes the default action: a silent death, checked below like a SIGKILL
        early = proc.returncode == -sig and not stderr.strip()
        if how != "SIGKILL" and not finished and not early:
            assert proc.returncode == 128 + sig, (proc.returncode, stderr)
            assert stderr.strip().splitlines()[-1].startswith("interrupted: "), stderr
        # every folder holds its complete old set or its complete new one
        self.slots = {p: replace(s) for p, s in before.items()}
        self.settle(None, (), (), stderr, dry=True)
        expected_new = self.slots
        self.slots = {}
        for place in sorted(set(before) | set(expected_new)):
            got = self.matching(place, [before.get(place, Slot()), expected_new.get(place, Slot())])
            assert got is not None, f"{place}: neither the old nor the new set after {how} at {delay:.1f} s"
            self.slots[place] = got
        if finished:
            self.check_index(None)

    # ------------------------------------------------------------------------------------------ expectations

    def settle(self, year: int | None, to: tuple[str, ...], drop: tuple[str, ...], stderr: str,
               dry: bool = False) -> None:
        """Update the model for a completed build of ``year`` (None: all) and check each agency-year in scope."""
        files = self.files()
        for place in sorted(files):
            if year is not None and place[0] != year:
                continue
            if not self.valid(place):
                assert dry or f"{place[0]}/{place[1]}.yaml" in stderr, f"{place}: refused without a word"
                continue
            self.apply(place, to, drop, check=not dry)
        for place in list(self.slots):  # folders whose params file is gone are removed by any build
            if place not in files:
                del self.slots[place]
                if not dry:
                    assert not (self.ws.outputs / str(place[0]) / place[1]).exists(), f"{place} left behind"

    def apply(self, place: tuple[int, str], to: tuple[str, ...], drop: tuple[str, ...], check: bool = True) -> None:
        if not self.valid(place):
            if check:
                self.check_set(place)
            return
        slot = self.slots.setdefault(place, Slot())
        formats = tuple(f for f in ("docx",) if (f in slot.formats or f in to) and f not in drop)
        key = self.key(place, formats)
        if self.fails_in_kernel(place):
            slot.failed = key
            TALLY.failures += check
        else:
            TALLY.rebuilt += check and slot.good != key
            slot.good, slot.formats, slot.failed = key, formats, None
        if check:
            self.check_set(place)

    def clean(self, place: tuple[int, str], key: str, formats: tuple[str, ...]) -> Path:
        """The folder a clean build of the current inputs of ``place`` gives (cached by the inputs)."""
        cached = self.ws.clean_cache.get(key)
        if cached is not None:
            return cached
        TALLY.clean_builds += 1
        out = self.ws.clean / key
        shutil.rmtree(out, ignore_errors=True)
        result = self.ws.cli("run", f"params/{place[0]}/{place[1]}.yaml", "--outputs", str(out),
                             *(["--to", ",".join(formats)] if formats else []))
        assert result.returncode == 0, result.stderr
        folder = out / str(place[0]) / place[1]
        self.ws.clean_cache[key] = folder
        return folder

    def check_set(self, place: tuple[int, str]) -> None:
        slot = self.slots.get(place, Slot())
        folder = self.ws.outputs / str(place[0]) / place[1]
        problems = self.compare(place, folder, slot)
        if problems:
            TALLY.findings.append(f"{place}: {problems[0]}")
        assert not problems, f"{place}: " + "; ".join(problems)

    def compare(self, place: tuple[int, str], folder: Path, slot: Slot, settled: bool = True) -> list[str]:
        """What differs between ``folder`` and the set ``slot`` stands for (a clean build of its inputs)."""
        names = {p.name for p in folder.iterdir()} if folder.is_dir() else set()
        if not settled:  # a writer killed mid-write leaves its temporary file, under a hidden name, to the next
            names = {n for n in names if not (n.startswith(".") and n.endswith(".tmp"))}
        problems = []
        if ("failed.ipynb" in names) != (slot.failed is not None):
            problems.append(f"failed.ipynb {'present' if 'failed.ipynb' in names else 'missing'}")
        names.discard("failed.ipynb")
        if slot.good is None:
            if names:
                problems.append(f"files without a good build: {sorted(names)}")
            return problems
        ref = self.ws.clean_cache.get(slot.good)
        if ref is None:  # a set of the current inputs not compared yet: make its clean build now
            assert self.valid(place) and slot.good == self.key(place, slot.formats), f"{place}: no clean build"
            ref = self.clean(place, slot.good, slot.formats)
        want = {p.name for p in ref.iterdir()}
        if names != want:
            return [*problems, f"files {sorted(names)} != clean {sorted(want)}"]
        for name in sorted(want):
            a, b = (folder / name).read_bytes(), (ref / name).read_bytes()
            if name == "review.html":
                a, b = strip_build_record(a.decode()).encode(), strip_build_record(b.decode()).encode()
            elif name == "report.ipynb":
                a, b = (json.dumps(json.loads(x)["metadata"]["report_kit"], sort_keys=True).encode() for x in (a, b))
            if a != b:
                problems.append(f"{name} differs from the clean build")
        return problems

    def matching(self, place: tuple[int, str], candidates: list[Slot]) -> Slot | None:
        folder = self.ws.outputs / str(place[0]) / place[1]
        for cand in candidates:
            for failed in dict.fromkeys((cand.failed, *(c.failed for c in candidates), None)):
                trial = replace(cand, failed=failed)
                if not self.compare(place, folder, trial, settled=False):
                    return trial
        return None

    def check_index(self, year: int | None) -> None:
        """summary.csv after a completed build of ``year``: every params file of every year with the state the
        model predicts (this build's outcome for its year, what the folder holds for the others), the missing."""
        import csv

        rows = list(csv.DictReader((self.ws.outputs / "summary.csv").read_text("utf-8-sig").splitlines()))
        got = {(int(r["year"]), r["slug"]): r["status"] for r in rows}
        want: dict[tuple[int, str], str] = {}
        for place in self.files():
            slot = self.slots.get(place, Slot())
            key = self.key(place, slot.formats) if self.valid(place) else None
            if key is None:
                want[place] = "failed"
            elif year is None or place[0] == year:
                want[place] = "failed" if self.fails_in_kernel(place) else "ok"
            elif slot.failed == key:
                want[place] = "failed"
            elif slot.good == key and slot.failed is None:
                want[place] = "ok"
            else:
                want[place] = "outdated"
        years = {p[0] for p in self.files()} | ({year} if year else set())
        for y in years:
            for slug, first in self.registry.items():
                if first <= y and (y, slug) not in self.files():
                    want[(y, slug)] = "missing"
        assert got == want, f"summary.csv {sorted(got.items())} != model {sorted(want.items())}"
        for y in {p[0] for p in self.slots}:
            extra = [n for n in os.listdir(self.ws.outputs / str(y)) if n.startswith(".") and not n.endswith(".lock")]
            assert not extra, f"left in outputs/{y}: {extra}"

    @invariant()
    def nothing_left_running(self) -> None:
        assert not wait_gone(self.ws.env["RK_HARDENING_TAG"], grace=10)


def test_incremental_builds_equal_clean_builds(tmp_path_factory: pytest.TempPathFactory) -> None:
    profile = os.environ.get("RK_ORACLE", "ci")
    Oracle.ws = Workspace(tmp_path_factory.mktemp("oracle"))
    started = time.monotonic()
    try:
        run_state_machine_as_test(Oracle, settings=PROFILES[profile])
    finally:
        took = time.monotonic() - started
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # the builds, their workers and kernels
        summary = (f"oracle ({profile}): {TALLY.sequences} sequences, {TALLY.steps + len(TALLY.edits)} steps: "
                   f"{len(TALLY.edits)} edits, {TALLY.builds} builds, {TALLY.steps - TALLY.builds - TALLY.kills} "
                   f"runs, {TALLY.kills} kills; {TALLY.rebuilt} agency sets rebuilt and compared, "
                   f"{TALLY.failures} kernel failures kept beside their previous set; {TALLY.clean_builds} clean "
                   f"builds; {took:.0f} s wall, "
                   f"{usage.ru_utime + usage.ru_stime:.0f} s CPU in subprocesses; load {os.getloadavg()[0]:.1f}")
        print(summary)
        Path(os.environ.get("RK_ORACLE_REPORT", os.devnull)).write_text(summary + "\n", encoding="utf-8")
        count("oracle steps", "valid")
