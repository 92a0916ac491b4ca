"""read_limited: one open, a regular file proven by fstat, a hard byte limit whatever st_size says."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest

from report_kit._readers import read_limited
from report_kit.errors import InputFileError


def test_regular_file_is_read(tmp_path: Path) -> None:
    p = tmp_path / "a.yaml"
    p.write_bytes(b"agency: x\n")
    assert read_limited(p, 100) == b"agency: x\n"


def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    done = threading.Event()

    def read() -> None:
        with pytest.raises(InputFileError, match="FIFO"):
            read_limited(fifo, 100)
        done.set()

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(30)  # a hang detector: an ordinary open() of a FIFO blocks until a writer comes
    if not done.is_set():
        os.close(os.open(fifo, os.O_RDWR))  # release the blocked reader so the test ends
    assert done.is_set(), "reading a FIFO blocked"


@pytest.mark.parametrize("path,fragment", [("/dev/zero", "is a device"), ("/dev/null", "is a device")])
def test_devices_are_refused(path: str, fragment: str) -> None:
    with pytest.raises(InputFileError, match=fragment):
        read_limited(path, 100)


def test_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    with pytest.raises(InputFileError, match="is a folder"):
        read_limited(tmp_path / "x.yaml", 100)


def test_link_refused_only_where_none_belongs(tmp_path: Path) -> None:
    target = tmp_path / "real.ipynb"
    target.write_text("{}", "utf-8")
    link = tmp_path / "report.ipynb"
    link.symlink_to(target)
    assert read_limited(link, 100) == b"{}"
    with pytest.raises(InputFileError, match="symbolic link"):
        read_limited(link, 100, follow_links=False)


def test_size_is_not_trusted(tmp_path: Path) -> None:
    """/proc files say size 0 and have content; the read itself stops one byte past the limit."""
    raw = read_limited("/proc/self/status", 1 << 20)
    assert raw and os.stat("/proc/self/status").st_size == 0
    with pytest.raises(InputFileError, match="more than 16 bytes"):
        read_limited("/proc/self/status", 16)


def test_too_large_says_what_the_file_should_be(tmp_path: Path) -> None:
    p = tmp_path / "big.yaml"
    with p.open("wb") as fh:
        fh.truncate(10 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(InputFileError, match="file is 10,485,760 bytes; a params file is a few KB"):
            read_limited(p, 1024, what="a params file is a few KB")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024, "refused after reading, not from fstat"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="no such file"):
        read_limited(tmp_path / "nope.yaml", 100)
