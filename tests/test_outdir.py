"""The outputs tree on disk: sets swapped in as a unit, links below the root refused, locks that never write
through a link, and what a killed writer leaves finished by the next one (issue 12, the write side)."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from report_kit import outdir
from report_kit.batch import BuildLock
from report_kit.batch._index import write_index
from report_kit.errors import OutputPathError, OutputWriteError
from report_kit.outdir import AgencyLockedError, OutputRoot

from .fuzz_tally import count

OLD = {"report.html": b"old html", "report.ipynb": b"old nb", "review.html": b"old review"}
NEW = {"report.html": b"new html" * 1000, "report.ipynb": b"new nb", "review.html": b"new review"}


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _write(root: OutputRoot, files: dict[str, bytes], year: int = 2024, slug: str = "a-ju") -> None:
    slot = root.slot(year, slug)
    with slot.lock() as fd:
        slot.replace(fd, files)


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-step"])
def test_a_set_replaces_the_old_one_completely(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               exchange: bool) -> None:
    monkeypatch.setattr(outdir, "exchange_supported", exchange)
    with OutputRoot(tmp_path / "out") as root:
        _write(root, {**OLD, "report.pdf": b"old pdf"})
        _write(root, NEW)
    folder = tmp_path / "out/2024/a-ju"
    assert _files(folder) == NEW  # the old pdf is not left beside the new report
    assert sorted(os.listdir(folder.parent)) == [".a-ju.lock", "a-ju"]  # nothing aside, no stage


def test_renameat2_is_available_here() -> None:
    # the two-step fallback is tested above; on this Linux the atomic exchange must be the one in use
    assert outdir._renameat2 is not None


_FSIZE_CHILD = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    from report_kit.outdir import OutputRoot
    from report_kit.errors import OutputWriteError
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))  # SIGXFSZ is ignored by Python: writes fail EFBIG
    root = OutputRoot(sys.argv[1])
    slot = root.slot(2024, "a-ju")
    try:
        with slot.lock() as fd:
            slot.replace(fd, {"report.html": b"x" * 100, "report.ipynb": b"y" * 100_000, "review.html": b"z"})
    except OutputWriteError as exc:
        print(exc)
        sys.exit(3)
""")


def test_a_file_size_limit_mid_set_leaves_the_old_set(tmp_path: Path) -> None:
    """ENOSPC-like: RLIMIT_FSIZE makes the second file of the set fail (no root needed)."""
    with OutputRoot(tmp_path / "out") as root:
        _write(root, OLD)
    proc = subprocess.run([sys.executable, "-c", _FSIZE_CHILD, str(tmp_path / "out")], capture_output=True,
                          text=True, timeout=60)
    assert proc.returncode == 3, proc.stderr
    assert "file-size limit" in proc.stdout and "previous outputs are unchanged" in proc.stdout
    assert _files(tmp_path / "out/2024/a-ju") == OLD
    assert sorted(os.listdir(tmp_path / "out/2024")) == [".a-ju.lock", "a-ju"]  # the stage is gone
    count("outputs (write failures)", "valid")


def test_full_disk_at_any_file_keeps_the_old_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    real_fsync = os.fsync
    with OutputRoot(tmp_path / "out") as root:
        _write(root, OLD)
        for fail_at in range(1, 4):
            calls = {"n": 0}

            def fsync(fd: int, fail_at: int = fail_at, calls: dict[str, int] = calls) -> None:
                calls["n"] += 1
                if calls["n"] == fail_at:
                    raise OSError(errno.ENOSPC, "No space left on device")
                real_fsync(fd)

            monkeypatch.setattr(outdir.os, "fsync", fsync)
            with pytest.raises(OutputWriteError, match="the disk is full"):
                _write(root, NEW)
            monkeypatch.setattr(outdir.os, "fsync", real_fsync)
            assert _files(tmp_path / "out/2024/a-ju") == OLD
            count("outputs (write failures)", "valid")


def test_a_year_folder_that_is_a_link_is_refused_for_sets_index_and_sweep(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    out.mkdir()
    victim.mkdir()
    bait = victim / ".index.html.abcd1234.tmp"  # looks like a stale temp file of ours
    bait.write_text("keep me", encoding="utf-8")
    (out / "2024").symlink_to(victim, target_is_directory=True)
    with OutputRoot(out) as root:
        with pytest.raises(OutputPathError, match="symbolic link"):
            _write(root, NEW)
        from report_kit.batch._executor import AgencyStatus

        status = AgencyStatus(None, 2024, "a-ju", "某局", "missing", "no params")
        with pytest.raises(OutputPathError, match="symbolic link"):
            write_index(root, [status])
        with pytest.raises(OutputPathError):
            root.sweep_temps(("2024",))
        assert root.years() == []  # a link is not a year folder of ours
    assert sorted(p.name for p in victim.iterdir()) == [".index.html.abcd1234.tmp"]
    assert bait.read_text("utf-8") == "keep me"
    count("outputs (links)", "clean-error")


def test_an_agency_folder_that_is_a_link_is_refused(tmp_path: Path) -> None:
    out, victim = tmp_path / "out", tmp_path / "victim"
    (out / "2024").mkdir(parents=True)
    victim.mkdir()
    (victim / "keep.txt").write_text("x", encoding="utf-8")
    (out / "2024" / "a-ju").symlink_to(victim, target_is_directory=True)
    with OutputRoot(out) as root:
        with pytest.raises(OutputPathError, match="symbolic link"):
            _write(root, NEW)
        slot = root.slot(2024, "a-ju")
        with slot.lock() as fd, pytest.raises(OutputPathError):
            slot.retire(fd)
        assert root.slugs(2024) == []
    assert [p.name for p in victim.iterdir()] == ["keep.txt"]
    count("outputs (links)", "clean-error")


def test_the_root_itself_may_be_a_link(tmp_path: Path) -> None:
    real = tmp_path / "webroot"
    real.mkdir()
    (tmp_path / "out").symlink_to(real, target_is_directory=True)
    with OutputRoot(tmp_path / "out") as root:
        assert root.path == real
        _write(root, NEW)
    assert _files(real / "2024/a-ju") == NEW


@pytest.mark.parametrize("kind", ["symlink", "hardlink"])
def test_the_build_lock_is_never_opened_through_a_link(tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    if kind == "symlink":
        (out / ".build.lock").symlink_to(Path("../victim"))
    else:
        os.link(victim, out / ".build.lock")
    with pytest.raises(OutputPathError, match="link"), BuildLock(out):
        pass
    assert victim.read_text("utf-8") == "precious"
    count("outputs (links)", "clean-error")


def test_an_agency_lock_planted_as_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "out/2024").mkdir(parents=True)
    victim = tmp_path / "victim"
    victim.write_text("precious", encoding="utf-8")
    (tmp_path / "out/2024/.a-ju.lock").symlink_to(victim)
    with OutputRoot(tmp_path / "out") as root, pytest.raises(OutputPathError):
        _write(root, NEW)
    assert victim.read_text("utf-8") == "precious"


def test_one_agency_is_written_by_one_process_at_a_time(tmp_path: Path) -> None:
    holder = textwrap.dedent("""
        import sys, time
        from report_kit.outdir import OutputRoot
        root = OutputRoot(sys.argv[1])
        with root.slot(2024, "a-ju").lock():
            print("held", flush=True)
            time.sleep(30)
    """)
    proc = subprocess.Popen([sys.executable, "-c", holder, str(tmp_path / "out")], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with OutputRoot(tmp_path / "out") as root:
            with pytest.raises(AgencyLockedError, match="another report-kit process is writing"), \
                    root.slot(2024, "a-ju").lock(wait=0.3):
                pass
            with root.slot(2024, "b-ju").lock(wait=0.3):  # another agency is not held up
                pass
    finally:
        proc.kill()
        proc.wait()
    with OutputRoot(tmp_path / "out") as root, root.slot(2024, "a-ju").lock(wait=0.3):
        pass  # a killed holder leaves no stale lock


def test_a_two_step_swap_killed_between_its_renames_is_finished_by_the_next_writer(tmp_path: Path) -> None:
    with OutputRoot(tmp_path / "out") as root:
        _write(root, OLD)
    year = tmp_path / "out/2024"
    (year / "a-ju").rename(year / ".a-ju.old-abcd1234")  # the first rename happened, then the writer died
    (year / ".a-ju.stage-efgh5678").mkdir()
    (year / ".a-ju.stage-efgh5678" / "report.html").write_bytes(b"half")
    with OutputRoot(tmp_path / "out") as root:
        assert root.slot(2024, "a-ju").files() == {}
        outdir.sweep_year(root, 2024)
    assert _files(year / "a-ju") == OLD
    assert sorted(os.listdir(year)) == [".a-ju.lock", "a-ju"]


def test_read_back_refuses_what_is_not_a_plain_file(tmp_path: Path) -> None:
    with OutputRoot(tmp_path / "out") as root:
        _write(root, OLD)
        folder = tmp_path / "out/2024/a-ju"
        (folder / "report.ipynb").unlink()
        (folder / "report.ipynb").symlink_to(tmp_path / "elsewhere")
        os.mkfifo(folder / "review.html.fifo")
        slot = root.slot(2024, "a-ju")
        assert slot.read("report.ipynb") is None
        assert slot.read("review.html.fifo") is None  # no hang on a FIFO
        assert "report.ipynb" not in slot.files()


def test_write_limit_is_real_here() -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    assert hard == resource.RLIM_INFINITY or hard > 4096  # the child above can lower it
