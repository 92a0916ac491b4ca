"""Atomic writes and output paths: failures leave earlier outputs intact and never escape outputs/."""

from __future__ import annotations

import errno
import os
from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import files
from report_kit.errors import OutputPathError, OutputWriteError
from report_kit.pipeline import output_dir


def test_atomic_write_replaces_content_and_leaves_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "a" / "report.html"
    files.atomic_write_text(target, "一")
    files.atomic_write_text(target, "二")
    assert target.read_text("utf-8") == "二"
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]
    assert oct(target.stat().st_mode & 0o777) != oct(0o600)  # ordinary permissions, not mkstemp's


def test_full_disk_keeps_the_previous_version(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.html"
    files.atomic_write_text(target, "good")

    def no_space(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", no_space)  # simulated full disk at the flush
    with pytest.raises(OutputWriteError, match="the disk is full; the previous version is unchanged"):
        files.atomic_write_text(target, "half")
    assert target.read_text("utf-8") == "good"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores directory permissions")
def test_read_only_folder_is_a_clear_error(tmp_path: Path) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o555)
    try:
        with pytest.raises(OutputWriteError, match="permission denied"):
            files.atomic_write_text(ro / "x.html", "x")
    finally:
        ro.chmod(0o755)


def test_read_only_file_system_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def read_only(*args: object, **kwargs: object) -> None:
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(files.tempfile, "mkstemp", read_only)
    with pytest.raises(OutputWriteError, match="read-only"):
        files.atomic_write_text(tmp_path / "x.html", "x")


def test_output_dir_refuses_symlinks_planted_outside(seed_ay, tmp_path: Path) -> None:
    outputs = tmp_path / "outputs"
    outputs.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (outputs / "2019").symlink_to(elsewhere, target_is_directory=True)
    with pytest.raises(OutputPathError, match="outside"):
        output_dir(outputs, seed_ay)
    assert output_dir(tmp_path / "other", seed_ay) == (tmp_path / "other" / "2019" / "zhuzhou-county-kgxj").resolve()


def test_output_dir_refuses_a_slug_that_escapes(seed_ay, tmp_path: Path) -> None:
    with pytest.raises(OutputPathError):
        output_dir(tmp_path, replace(seed_ay, slug="../../etc"))
    with pytest.raises(OutputPathError):
        output_dir(tmp_path, replace(seed_ay, slug="/abs"))
