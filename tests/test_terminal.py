"""User data printed by the CLI shows control sequences instead of obeying them (issue 12 item 11)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from report_kit._terminal import printable

from .conftest import SEED_PARAMS
from .fuzz_tally import count

ESCAPES = ["\x1b]0;owned\x07", "\x1b[2J", "\r", "\u202e", "\x9b31m"]


def test_printable() -> None:
    assert printable("a\x1b[2Jb\tc\nd\re\u202ef\x9b\udcff") == "a\\x1b[2Jb\tc\nd\\x0de\\u202ef\\x9b\\xff"
    assert printable("上海市科学技术委员会") == "上海市科学技术委员会"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=cwd, capture_output=True, timeout=120,
                          stdin=subprocess.DEVNULL)


def _assert_clean(out: bytes, entry: str) -> None:
    raw = [e for e in ESCAPES if e.encode() in out]
    count(f"terminal ({entry})", "injected" if raw else "valid")
    assert not raw, f"{entry} printed {raw!r} raw"


def test_check_prints_acknowledgement_keys_escaped(tmp_path: Path) -> None:
    """A stale acknowledgement's key and reason are printed by `check` (ACK-STALE). Params refuse control
    characters, so these carry what params allow and a terminal still obeys: bidi overrides, U+2028."""
    bidi = ["\u202e", "\u2066", "\u2028"]
    text = SEED_PARAMS.read_text("utf-8") + "\nacknowledged:\n" + "".join(
        f'  "STALE-{i}{e}x": "理由{e}"\n' for i, e in enumerate(bidi))
    path = tmp_path / "2019" / "zhuzhou-county-kgxj.yaml"
    path.parent.mkdir()
    path.write_text(text, "utf-8")
    done = _cli("check", str(path), cwd=tmp_path)
    assert b"ACK-STALE" in done.stdout and b"\\u202e" in done.stdout, done.stdout.decode()
    assert not [e for e in bidi if e.encode() in done.stdout + done.stderr]
    _assert_clean(done.stdout + done.stderr, "check")


def test_check_prints_refused_control_characters_escaped(tmp_path: Path) -> None:
    """Acknowledgement keys holding ESC sequences: the params problem names the key, escaped."""
    text = SEED_PARAMS.read_text("utf-8") + "\nacknowledged:\n" + "".join(
        f'  "STALE-{i}{json.dumps(e)[1:-1]}": "x"\n' for i, e in enumerate(ESCAPES))
    path = tmp_path / "2019" / "zhuzhou-county-kgxj.yaml"
    path.parent.mkdir()
    path.write_text(text, "utf-8")
    done = _cli("check", str(path), cwd=tmp_path)
    assert done.returncode == 1 and b"STALE-0\\x1b]0;owned\\x07" in done.stdout, done.stdout.decode()
    _assert_clean(done.stdout + done.stderr, "check")


def test_import_prints_imported_rows_escaped(tmp_path: Path) -> None:
    """Import notes quote the source's rows: rows with escape sequences and bidi overrides in their labels
    (control characters are cleaned on import; what is left is printed escaped)."""
    from .conftest import DATA

    seed = (DATA / "hostile" / "seed-2019.txt").read_text("utf-8")
    at = seed.index("\n", seed.index("二、主动公开政府信息情况")) + 1
    hostile = "".join(f"行政{e}许可事项 | 1 | 2 | 3\n" for e in ESCAPES)
    path = tmp_path / "2019-rows.txt"
    path.write_text(seed[:at] + hostile + seed[at:], "utf-8")
    done = _cli("import", str(path), "--out", str(tmp_path / "params"), cwd=tmp_path)
    audit = _cli("audit", str(path), cwd=tmp_path)
    assert b"\\u202e" in done.stdout, done.stdout.decode()
    _assert_clean(done.stdout + done.stderr, "import")
    _assert_clean(audit.stdout + audit.stderr, "audit")


def test_error_messages_from_file_names_are_escaped(tmp_path: Path) -> None:
    """A params file whose name carries an escape sequence and a byte that is not UTF-8."""
    name = b"2019/\x1b]0;owned\x07\xff.yaml"
    (tmp_path / "2019").mkdir()
    (tmp_path / name.decode(errors="surrogateescape")).write_bytes(b"agency: [unclosed\n")
    done = _cli("check", str(tmp_path / "2019"), cwd=tmp_path)
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr.decode()
    assert b"\\xff" in done.stdout, done.stdout
    _assert_clean(done.stdout + done.stderr, "check")


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """`report-kit rules | head -1`: the pipe closes before the command writes; no traceback, exit 141."""
    proc = subprocess.Popen([sys.executable, "-m", "report_kit", "rules"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8", errors="replace")
    assert proc.wait(timeout=120) == 141
    assert err == ""


def test_import_of_a_folder_without_documents_says_so(tmp_path: Path) -> None:
    (tmp_path / "notes.xlsx.bak").write_text("x", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "report_kit", "import", str(tmp_path)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 2
    assert str(tmp_path) in done.stderr and "no report documents" in done.stderr  # tests run in English
