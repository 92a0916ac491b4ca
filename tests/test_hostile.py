"""Every command over hostile inputs (issue 12): ends within a bound, never a traceback, writes only its target.

Inputs come from tests/data/hostile/ (small files that once hung or crashed a command) and are made here
when they cannot be stored: FIFOs, /dev/zero behind a link, folders named like files, links where report-kit
wrote regular files, unreadable files, a file name that is not UTF-8, a year folder named `²`, JSON nested
100,000 deep. Each case runs the real CLI in a subprocess with a generous timeout (a hang detector, not a
speed assertion). Tests run as root: a permission case runs the command without the capabilities that let
root ignore file modes (setpriv), so an unreadable file is unreadable to it.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from .conftest import DATA, SEED_PARAMS
from .fuzz_tally import count

HOSTILE = DATA / "hostile"
NOTEBOOKS = sorted(p.name for p in (HOSTILE / "notebooks").glob("*.ipynb"))
BOUND = 90  # seconds: a hang detector under a loaded CI machine, not a speed target
NO_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search",
          "--inh-caps", "-dac_override,-dac_read_search", "--"]


def _copy_params(ws: Path, source: Path, name: str = "zhuzhou-county-kgxj.yaml", year: str = "2019") -> Path:
    path = ws / "params" / year / name
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    return path


def _fifo(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return path


def _zero(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.symlink_to("/dev/zero")
    return path


def _folder(path: Path) -> Path:
    path.mkdir(parents=True)
    return path


def _unreadable(path: Path, source: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, path)
    path.chmod(0)
    return path


def _deep_json(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"metadata": {"report_kit": ' + "[" * 100_000 + "]" * 100_000 + "}}", "utf-8")
    return path


@dataclass(frozen=True)
class Case:
    row: str  # the tally's row: links, permissions, hostile inputs
    name: str
    setup: Callable[[Path], list[str]]  # makes the inputs in the workspace, returns the command's arguments
    target: str = "out"  # the only folder the command may write (relative to the workspace)
    no_dac: bool = False  # run without root's permission override


def _params_cases() -> list[Case]:
    seed = SEED_PARAMS
    specials: dict[str, Callable[[Path], Path]] = {
        "fifo": lambda ws: _fifo(ws / "params" / "2019" / "fifo.yaml"),
        "dev-zero": lambda ws: _zero(ws / "params" / "2019" / "zero.yaml"),
        "folder-named-yaml": lambda ws: _folder(ws / "params" / "2019" / "x.yaml"),
        "not-utf8-name": lambda ws: _copy_params(ws, seed, name=b"\xff\x1b[2J.yaml".decode(errors="surrogateescape")),
        "year-superscript-two": lambda ws: _copy_params(ws, seed, year="²"),
        "gbk": lambda ws: _copy_params(ws, HOSTILE / "gbk.yaml"),
        "controls": lambda ws: _copy_params(ws, HOSTILE / "controls.yaml"),
        "binary-tag": lambda ws: _copy_params(ws, DATA / "bad" / "params" / "binary_tag.yaml"),
        "previous-year-fifo": lambda ws: (_fifo(ws / "params" / "2018" / "zhuzhou-county-kgxj.yaml"),
                                          _copy_params(ws, seed))[1],
    }
    cases = []
    for name, make in specials.items():
        cases += [
            Case("hostile inputs", f"check file {name}", lambda ws, make=make: ["check", str(make(ws))]),
            Case("hostile inputs", f"check folder {name}", lambda ws, make=make: (make(ws), ["check", "params"])[1]),
            Case("hostile inputs", f"build {name}", lambda ws, make=make: (
                make(ws), ["build", "--params", "params", "--outputs", "out", "--year", "2019"])[1]),
        ]
    cases += [
        Case("hostile inputs", "run fifo", lambda ws: ["run", str(_fifo(ws / "params" / "2019" / "f.yaml")),
                                                      "--outputs", "out"]),
        Case("hostile inputs", "run dev-zero", lambda ws: ["run", str(_zero(ws / "params" / "2019" / "z.yaml")),
                                                          "--outputs", "out"]),
        Case("permissions", "check unreadable params",
             lambda ws: ["check", str(_unreadable(ws / "params" / "2019" / "x.yaml", seed))], no_dac=True),
        Case("permissions", "check folder with unreadable params",
             lambda ws: (_unreadable(ws / "params" / "2019" / "x.yaml", seed), ["check", "params"])[1], no_dac=True),
        Case("permissions", "build unreadable params",
             lambda ws: (_unreadable(ws / "params" / "2019" / "zhuzhou-county-kgxj.yaml", seed),
                         ["build", "--params", "params", "--outputs", "out"])[1], no_dac=True),
        Case("permissions", "run unreadable params",
             lambda ws: ["run", str(_unreadable(ws / "params" / "2019" / "x.yaml", seed)), "--outputs", "out"],
             no_dac=True),
        Case("permissions", "check unreadable previous year",
             lambda ws: (_unreadable(ws / "params" / "2018" / "zhuzhou-county-kgxj.yaml", seed),
                         ["check", str(_copy_params(ws, seed))])[1], no_dac=True),
        Case("permissions", "build unreadable registry",
             lambda ws: (_copy_params(ws, seed), _unreadable(ws / "params" / "agencies.yaml", seed),
                         ["build", "--params", "params", "--outputs", "out"])[2], no_dac=True),
        Case("hostile inputs", "build year-superscript-two (every year)",
             lambda ws: (_copy_params(ws, seed, year="²"), ["build", "--params", "params", "--outputs", "out"])[1]),
        Case("hostile inputs", "check regex-share (60 × 和)",
             lambda ws: ["check", str(_copy_params(ws, HOSTILE / "regex-share.yaml"))]),
        Case("hostile inputs", "new with an escape in the agency",
             lambda ws: ["new", "--agency", "局\x1b]0;x\x07", "--slug", "a", "--year", "2024", "--params-dir", "out"]),
    ]
    return cases


def _document_cases() -> list[Case]:
    docs: dict[str, tuple[str, Callable[[Path], Path]]] = {
        "loose-row": ("hostile inputs", lambda ws: Path(shutil.copy(HOSTILE / "loose-row.txt", ws / "r.txt"))),
        "big5": ("hostile inputs", lambda ws: Path(shutil.copy(HOSTILE / "big5.txt", ws / "r.txt"))),
        "fifo": ("hostile inputs", lambda ws: _fifo(ws / "r.txt")),
        "dev-zero": ("hostile inputs", lambda ws: _zero(ws / "r.html")),
        "folder-named-docx": ("hostile inputs", lambda ws: _folder(ws / "r.docx")),
        "unreadable": ("permissions", lambda ws: _unreadable(ws / "r.txt", HOSTILE / "seed-2019.txt")),
        "unreadable-in-folder": ("permissions", lambda ws: _unreadable(ws / "in" / "r.txt", HOSTILE / "seed-2019.txt")
                                 .parent),
    }
    cases = []
    for name, (row, make) in docs.items():
        no_dac = row == "permissions"
        cases += [
            Case(row, f"import {name}", lambda ws, make=make: ["import", str(make(ws)), "--out", "out"], no_dac=no_dac),
            Case(row, f"audit {name}", lambda ws, make=make: ["audit", str(make(ws)), "--html", "out/audit.html"],
                 no_dac=no_dac),
        ]
    workbooks: dict[str, tuple[str, Callable[[Path], Path]]] = {
        "fifo": ("hostile inputs", lambda ws: _fifo(ws / "w.xlsx")),
        "dev-zero": ("hostile inputs", lambda ws: _zero(ws / "w.xlsx")),
        "folder": ("hostile inputs", lambda ws: _folder(ws / "w.xlsx")),
        "unreadable": ("permissions", lambda ws: _unreadable(ws / "w.xlsx", HOSTILE / "big5.txt")),
    }
    for name, (row, make) in workbooks.items():
        cases.append(Case(row, f"sheet import {name}", lambda ws, make=make: ["sheet", "import", str(make(ws)),
                                                                            "--out", "out"],
                          no_dac=row == "permissions"))
    return cases


def _gbk_existing(ws: Path) -> list[str]:
    """`sheet import` meeting an existing params file saved as GBK."""
    from report_kit.sheets import new_workbook

    new_workbook(2019, None, ws / "w.xlsx")
    _copy_params(ws, HOSTILE / "gbk.yaml").rename(ws / "params" / "2019" / "agency.yaml")
    return ["sheet", "import", str(ws / "w.xlsx"), "--out", "params"]


def _build_folder(ws: Path, name: str, make: Callable[[Path], Path]) -> Path:
    folder = ws / "out" / "2024" / name
    folder.mkdir(parents=True)
    make(folder / "report.ipynb")
    return folder


def _notebook_cases() -> list[Case]:
    cases = []
    for name in NOTEBOOKS:
        source = HOSTILE / "notebooks" / name
        cases += [
            Case("hostile inputs", f"diff {name}", lambda ws, s=source: ["diff", str(s), str(s)], target="-"),
            Case("hostile inputs", f"findings {name}", lambda ws, s=source: (
                _build_folder(ws, "a", lambda p: Path(shutil.copyfile(s, p))), ["findings", "out"])[1], target="-"),
        ]
    victim = "/etc/hostname"
    cases += [
        Case("hostile inputs", "diff deep json", lambda ws: ["diff", str(_deep_json(ws / "d.ipynb")),
                                                             str(ws / "d.ipynb")], target="-"),
        Case("hostile inputs", "findings deep json",
             lambda ws: (_build_folder(ws, "a", _deep_json), ["findings", "out"])[1], target="-"),
        Case("hostile inputs", "diff fifo folder", lambda ws: ["diff", str(_build_folder(ws, "a", _fifo)),
                                                               str(ws / "out" / "2024" / "a")], target="-"),
        Case("hostile inputs", "findings fifo", lambda ws: (_build_folder(ws, "a", _fifo), ["findings", "out"])[1],
             target="-"),
        Case("hostile inputs", "findings dev-zero", lambda ws: (_build_folder(ws, "a", _zero), ["findings", "out"])[1],
             target="-"),
        Case("links", "diff build folder whose report.ipynb is a link",
             lambda ws: ["diff", str(_build_folder(ws, "a", lambda p: (p.symlink_to(victim), p)[1])),
                         str(ws / "out" / "2024" / "a")], target="-"),
        Case("links", "findings over a linked report.ipynb",
             lambda ws: (_build_folder(ws, "a", lambda p: (p.symlink_to(victim), p)[1]), ["findings", "out"])[1],
             target="-"),
        Case("links", "findings over a linked year folder",
             lambda ws: ((ws / "out").mkdir(), (ws / "out" / "2024").symlink_to("/etc"), ["findings", "out"])[2],
             target="-"),
        Case("permissions", "diff unreadable notebook",
             lambda ws: ["diff", str(_unreadable(ws / "a.ipynb", HOSTILE / "notebooks" / "no-record.ipynb")),
                         str(ws / "a.ipynb")], target="-", no_dac=True),
        Case("permissions", "findings unreadable notebook",
             lambda ws: (_build_folder(ws, "a", lambda p: _unreadable(p, HOSTILE / "notebooks" / "no-record.ipynb")),
                         ["findings", "out"])[1], target="-", no_dac=True),
        Case("hostile inputs", "sheet import over a GBK params file", _gbk_existing, target="params"),
    ]
    return cases


CASES = _params_cases() + _document_cases() + _notebook_cases()


def _tree(root: Path, skip: Path | None) -> dict[str, tuple[int, int, int]]:
    """Every entry below root (links not followed) with its mode, size and mtime; ``skip`` left out."""
    out = {}
    for dirpath, dirnames, filenames in os.walk(root):
        here = Path(dirpath)
        if skip is not None and (here == skip or skip in here.parents):
            dirnames[:] = []
            continue
        for name in dirnames + filenames:
            p = here / name
            if skip is not None and p == skip:
                continue
            st = p.lstat()
            out[str(p.relative_to(root))] = (st.st_mode, st.st_size, st.st_mtime_ns)
    return out


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_command_over_hostile_input(tmp_path: Path, case: Case) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    args = case.setup(ws)
    before = _tree(ws, ws / case.target)
    cmd = [*(NO_DAC if case.no_dac else []), sys.executable, "-m", "report_kit", *args]
    if case.no_dac and shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to drop root's permission override")
    try:
        done = subprocess.run(cmd, cwd=ws, capture_output=True, timeout=BOUND, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        count(case.row, "hang")
        pytest.fail(f"{case.name}: still running after {BOUND} s")
    stderr = done.stderr.decode("utf-8", "replace")
    traceback = "Traceback (most recent call last)" in stderr or done.returncode not in (0, 1, 2)
    after = _tree(ws, ws / case.target)
    outside = sorted(k for k in before.keys() | after.keys() if before.get(k) != after.get(k))
    count(case.row, "traceback" if traceback else "wrote-outside" if outside else
          "valid" if done.returncode == 0 else "clean-error")
    assert not traceback, f"{case.name}: exit {done.returncode}\n{stderr}"
    assert not outside, f"{case.name}: wrote outside {case.target}: {outside}"
    if case.no_dac:  # the file really was unreadable to the command: it said so
        assert "permission denied" in (stderr + done.stdout.decode("utf-8", "replace")).lower(), stderr
