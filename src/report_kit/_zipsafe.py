"""Zip packages (.docx, .xlsx) from users, inflated under a byte limit whatever their headers say.

A zip's headers declare each member's size, and zipfile trusts them: a 2 MB .docx whose document.xml
declares 5,000 bytes inflated to 2 GB in memory before its CRC check failed (``ZipFile.read`` asks zlib
for up to 2 GiB at once). ``inflate`` reads every member's raw bytes itself and inflates them in small
steps, counting what comes out, and stops at the limit; sizes and CRCs are then checked against what was
really there. ``repack`` writes the verified members into a fresh archive (stored, honest headers) for
python-docx and openpyxl to read.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib

from report_kit.i18n import _

_LOCAL_HEADER = struct.Struct("<4sHHHHHIIIHH")
_LOCAL_SIGNATURE = b"PK\x03\x04"
_STEP = 1 << 16  # bytes of output asked of zlib at a time
MAX_MEMBERS = 2000  # a Word document or workbook has a few dozen parts


class ZipRefused(ValueError):
    """The archive cannot be used; the message says why in a phrase (the caller adds the file name)."""


def _raw(data: bytes, info: zipfile.ZipInfo) -> bytes:
    """The member's compressed bytes, located through its local header."""
    at = info.header_offset
    if at < 0 or at + _LOCAL_HEADER.size > len(data):
        raise ZipRefused(_("damaged archive: member {name!r} lies outside the file").format(name=info.filename))
    sig, *_fields, name_len, extra_len = _LOCAL_HEADER.unpack_from(data, at)
    if sig != _LOCAL_SIGNATURE:
        raise ZipRefused(_("damaged archive: no header for member {name!r}").format(name=info.filename))
    start = at + _LOCAL_HEADER.size + name_len + extra_len
    return data[start:start + info.compress_size]  # a slice: never more than the file holds


class _OverLimit(Exception):
    pass


def _inflate(raw: bytes, info: zipfile.ZipInfo, budget: int) -> bytes:
    if info.compress_type == zipfile.ZIP_STORED:
        if len(raw) > budget:
            raise _OverLimit
        return raw
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise ZipRefused(_("member {name!r} uses a compression Word and Excel do not use (method {method})").format(
            name=info.filename, method=info.compress_type))
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    out = bytearray()
    pending = raw
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, _STEP)
            out += chunk
            if len(out) > budget:
                raise _OverLimit
            progressed = chunk or len(inflater.unconsumed_tail) != len(pending)
            pending = inflater.unconsumed_tail
            if not progressed:
                break  # input exhausted (or no progress) before the end of the stream: truncated
    except zlib.error:
        raise ZipRefused(_("damaged archive: member {name!r} cannot be inflated").format(name=info.filename)) from None
    if not inflater.eof:
        raise ZipRefused(_("damaged archive: member {name!r} is truncated").format(name=info.filename))
    return bytes(out)


def inflate(data: bytes, limit: int) -> dict[str, bytes]:
    """Every member of the zip in ``data`` (name → content), at most ``limit`` bytes in all, or ZipRefused."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, OSError):
        raise ZipRefused(_("not a readable zip package")) from None
    if len(infos) > MAX_MEMBERS:
        raise ZipRefused(_("{count} members in the archive (limit {limit})").format(count=f"{len(infos):,}",
                                                                                     limit=f"{MAX_MEMBERS:,}"))
    members: dict[str, bytes] = {}
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise ZipRefused(_("encrypted (password-protected); remove the password and save it again"))
        if info.is_dir():
            continue
        try:
            content = _inflate(_raw(data, info), info, limit - total)
        except _OverLimit:
            raise ZipRefused(_("unpacks to more than {limit} bytes; a zip bomb?").format(limit=f"{limit:,}")) from None
        total += len(content)
        if len(content) != info.file_size or zlib.crc32(content) != info.CRC:
            raise ZipRefused(_("damaged archive: member {name!r} does not match its declared size or checksum").format(
                name=info.filename))
        if info.filename in members:
            raise ZipRefused(_("damaged archive: member {name!r} appears twice").format(name=info.filename))
        members[info.filename] = content
    return members


def repack(members: dict[str, bytes]) -> bytes:
    """A fresh archive of verified members (stored: the sizes its headers state are the real ones)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for name, content in members.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), content)
    return buf.getvalue()
