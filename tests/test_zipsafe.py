"""Zip packages inflated under a byte limit whatever their headers declare (issue 12 item 13)."""

from __future__ import annotations

import io
import struct
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from report_kit._zipsafe import ZipRefused, inflate, repack
from report_kit.errors import SourceDocumentError
from report_kit.importers import import_document
from report_kit.sheets import import_workbook, new_workbook

from .fuzz_tally import count

ZEROS = 300 * 1024 * 1024  # what the lying member really inflates to (its compressed form is ~300 KB)


def _lying_zip(path: Path, member: str, declared: int, others: dict[str, bytes] | None = None) -> None:
    """A zip whose ``member`` is ZEROS zero bytes but whose headers declare ``declared`` bytes (and their CRC)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in (others or {}).items():
            zf.writestr(name, data)
        with zf.open(member, "w", force_zip64=False) as fh:
            block = bytes(1 << 20)
            for _ in range(ZEROS >> 20):
                fh.write(block)
    raw = bytearray(path.read_bytes())
    crc = zlib.crc32(bytes(declared))
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as zf:
        info = zf.getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 14, crc)  # local header: crc, (compressed), size
    struct.pack_into("<I", raw, info.header_offset + 22, declared)
    central = raw.index(b"PK\x01\x02", info.header_offset + 30)
    while struct.unpack_from("<H", raw, central + 28)[0] != len(member) or \
            bytes(raw[central + 46:central + 46 + len(member)]) != member.encode():
        central = raw.index(b"PK\x01\x02", central + 4)  # the central directory entry of this member
    struct.pack_into("<I", raw, central + 16, crc)
    struct.pack_into("<I", raw, central + 24, declared)
    path.write_bytes(bytes(raw))


def _refusal(func) -> tuple[BaseException | None, int]:
    """What ``func`` raised (None if nothing) and the peak of Python memory meanwhile."""
    tracemalloc.start()
    try:
        func()
    except Exception as exc:  # judged by the caller, after the memory
        return exc, tracemalloc.get_traced_memory()[1]
    else:
        return None, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _real_docx_parts(ay) -> dict[str, bytes]:
    from report_kit import compose
    from report_kit.export._docx import docx_bytes

    with zipfile.ZipFile(io.BytesIO(docx_bytes(ay, compose(ay)))) as zf:
        return {n: zf.read(n) for n in zf.namelist() if n != "word/document.xml"}


def test_docx_with_lying_size_header_stops_at_the_limit(tmp_path: Path, seed_ay) -> None:
    path = tmp_path / "bomb.docx"
    _lying_zip(path, "word/document.xml", 5000, _real_docx_parts(seed_ay))  # a real report's other parts
    with zipfile.ZipFile(path) as zf:
        assert zf.getinfo("word/document.xml").file_size == 5000  # what zipfile believes
    exc, peak = _refusal(lambda: import_document(path))
    assert peak < 160 * 1024 * 1024, f"{peak:,} bytes held while reading a {ZEROS:,}-byte member"
    assert isinstance(exc, SourceDocumentError) and "unpacks to more than 67,108,864 bytes" in str(exc), exc
    count("zip packages", "clean-error")


def test_xlsx_with_lying_size_header_stops_at_the_limit(tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    new_workbook(2024, None, good)
    with zipfile.ZipFile(good) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if n != "xl/sharedStrings.xml"}
    path = tmp_path / "bomb.xlsx"
    _lying_zip(path, "xl/sharedStrings.xml", 5000, members)

    exc, peak = _refusal(lambda: import_workbook(path, tmp_path / "params"))
    assert peak < 300 * 1024 * 1024, f"{peak:,} bytes held while reading a {ZEROS:,}-byte member"
    assert isinstance(exc, SourceDocumentError) and "unpacks to more than" in str(exc), exc
    assert not (tmp_path / "params").exists()
    count("zip packages", "clean-error")


def test_ten_megabytes_of_empty_paragraphs_are_refused_by_count(tmp_path: Path, seed_ay) -> None:
    """10 MB of <w:p/> took 39 s and 512 MB in python-docx; the body is counted before python-docx reads it."""
    ns = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    body = f"<w:document {ns}><w:body>".encode() + b"<w:p/>" * (10 * 1024 * 1024 // 6) + b"</w:body></w:document>"
    path = tmp_path / "empty-paragraphs.docx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in _real_docx_parts(seed_ay).items():
            zf.writestr(name, data)
        zf.writestr("word/document.xml", body)
    with pytest.raises(SourceDocumentError, match="more than 50,000 paragraphs and rows"):
        import_document(path)
    count("zip packages", "clean-error")


def test_inflate_refuses_and_verifies() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a.xml", b"<a/>" * 1000)
        zf.writestr("b.bin", b"x" * 10)
    data = buf.getvalue()
    members = inflate(data, 10_000)
    assert members == {"a.xml": b"<a/>" * 1000, "b.bin": b"x" * 10}
    assert inflate(repack(members), 10_000) == members
    with pytest.raises(ZipRefused, match="more than 3,000 bytes"):
        inflate(data, 3000)
    corrupt = bytearray(data)
    corrupt[40:60] = bytes(20)  # inside a.xml's compressed stream
    with pytest.raises(ZipRefused, match="damaged"):
        inflate(bytes(corrupt), 10_000)
    with pytest.raises(ZipRefused, match="not a readable zip"):
        inflate(data[: len(data) // 2], 10_000)
    encrypted = bytearray(data)
    encrypted[6] |= 1  # the local header's flag; zipfile reads the central directory's
    central = encrypted.index(b"PK\x01\x02")
    encrypted[central + 8] |= 1
    with pytest.raises(ZipRefused, match="encrypted"):
        inflate(bytes(encrypted), 10_000)
