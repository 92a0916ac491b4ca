"""Published annual reports (Word text export, `|` text, markdown, .docx, .html) read back into params.

    imported = import_document(Path("report.docx"))
    imported.ay          # the AgencyYear: every figure of tables 二/三/四 (None where blank), texts 一/五/六
    imported.notes       # what could not be read as the form says, located in the source
    write_params(imported, Path("params"))

Import never guesses silently: a cell it cannot place, a table it cannot find or a value that is not a
number becomes a Note (file, line, official label, the text around it) and the cell stays blank.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from report_kit import params as params_io
from report_kit._readers import read_limited
from report_kit.convert import LEGACY, converted
from report_kit.errors import InputFileError, ParamsError, SourceDocumentError
from report_kit.files import atomic_write_text
from report_kit.formats import Format, available, format_for_year, get_format
from report_kit.i18n import _
from report_kit.importers._identity import Title, infer_kind, signed_agency, title_of, year_in_preamble
from report_kit.importers._infer import level_from_text, reads_as_report, year_from_text
from report_kit.importers._records import (
    MAX_BYTES,
    WORD_ARTEFACT,
    Record,
    docx_records,
    html_records,
    text_records,
)
from report_kit.importers._sections import Layout, find_layout, looks_wrapped, prose, published_of, table_regions
from report_kit.importers._tables import Cells, Note, detect_format, read_table2, read_table3, read_table4
from report_kit.model import SLUG_RE, AgencyYear

__all__ = ["Imported", "Note", "expand", "import_document", "params_path", "write_params"]

# One reader per table shape (blocks: 二, tree: 三, groups: 四).
READERS = {"blocks": read_table2, "tree": read_table3, "groups": read_table4}
KINDS = {".docx": "docx", ".html": "html", ".htm": "html", ".shtml": "html", ".txt": "text", ".md": "text",
         ".pdf": "pdf"}
LEGACY_WORD = {s for s, modern in LEGACY.items() if modern == ".docx"}  # .doc, .wps: read via LibreOffice


@dataclass(frozen=True)
class Imported:
    ay: AgencyYear
    notes: tuple[Note, ...]
    path: Path
    kind: str

    @property
    def errors(self) -> list[Note]:
        return [n for n in self.notes if n.severity == "error"]


def _decode(raw: bytes, path: Path) -> tuple[str, list[Note]]:
    if b"\x00" in raw[:4096]:
        raise SourceDocumentError(_("{path}: binary data, not a text, Word or HTML report").format(path=path))
    for encoding in ("utf-8-sig", "gb18030"):  # government sites still serve GBK pages
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "gb18030" and _looks_big5(raw, text):
            raise SourceDocumentError(_("{path}: Big5 (traditional Chinese) text, not UTF-8 or GBK/GB18030; if this "
                                        "is an annual report, save it as UTF-8 and import it again").format(path=path))
        return text, []
    # a few damaged bytes in an otherwise UTF-8 file (a bad copy, a truncated download): read the rest
    text = raw.decode("utf-8-sig", errors="replace")
    bad = text.count("\ufffd")
    if bad <= max(3, len(text) // 100):
        first = text.index("\ufffd")
        return text, [Note("warning", text[:first].count("\n") + 1, "编码",
                           _("{bad} bytes are not UTF-8 and were replaced by “\ufffd”; check the text there").format(
                               bad=bad),
                           text[max(0, first - 30):first + 30])]
    raise SourceDocumentError(_("{path}: neither UTF-8 nor GB18030 text; save it as UTF-8").format(path=path))


# GB18030 decodes almost any bytes, so a Big5 page "decodes" into nonsense and was then reported as "not an
# annual report". Words every report uses tell the two apart: simplified in GBK, traditional in Big5.
_GBK_WORDS = ("政府", "信息", "公开", "年度", "报告", "申请", "情况", "工作")
_BIG5_WORDS = ("政府", "資訊", "信息", "公開", "年度", "報告", "申請", "情況", "工作")
_BIG5_CHARSET = re.compile(rb"charset\s*=\s*[\"']?\s*(?:big5|cp950|big5-hkscs)", re.IGNORECASE)


def _looks_big5(raw: bytes, gbk_text: str) -> bool:
    if _BIG5_CHARSET.search(raw[:4096]):
        return True
    try:
        big5_text = raw.decode("big5hkscs")
    except UnicodeDecodeError:
        return False
    big5 = sum(big5_text.count(w) for w in _BIG5_WORDS)
    return big5 >= 3 and big5 > 2 * sum(gbk_text.count(w) for w in _GBK_WORDS)


def expand(paths: Sequence[Path]) -> list[Path]:
    """Files as given; a folder stands for the report files in it (by suffix), in name order."""
    out: list[Path] = []
    suffixes = KINDS.keys() | LEGACY_WORD
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in suffixes)
            if not found:  # an empty result would read as "nothing wrong"
                raise SourceDocumentError(_("{path}: no report documents in this folder (looked for {suffixes})")
                                          .format(path=path, suffixes=" ".join(sorted(suffixes))))
            out.extend(found)
        else:
            out.append(path)
    return out


def read_records(path: Path) -> tuple[list[Record], str, list[Note]]:
    """The document's records and its kind, or SourceDocumentError before anything large is read."""
    suffix = path.suffix.lower()
    if suffix in LEGACY_WORD:
        with converted(path, max_bytes=MAX_BYTES) as docx:  # the .docx LibreOffice made of it
            try:
                raw = read_limited(docx, MAX_BYTES,
                                   what=_("a published report is far smaller. Is this the right file?"))
            except InputFileError as exc:
                raise SourceDocumentError(str(exc)) from None
            return docx_records(raw, path), "docx", []
    if suffix in (".xls", ".xlsx"):
        raise SourceDocumentError(
            _("{path}: {suffix} is not read directly; save the report as .docx, .html or .pdf").format(
                path=path, suffix=suffix))
    try:
        raw = read_limited(path, MAX_BYTES, what=_("a published report is far smaller. Is this the right file?"))
    except InputFileError as exc:
        raise SourceDocumentError(str(exc)) from None
    if not raw:
        raise SourceDocumentError(_("{path}: the file is empty").format(path=path))
    kind = KINDS.get(suffix, "text")
    if kind == "pdf":
        from report_kit.importers._pdf import pdf_records

        return pdf_records(raw, path), kind, []
    if kind == "docx":
        return docx_records(raw, path), kind, []
    if raw[:4] == b"PK\x03\x04":
        named = suffix or _("without suffix")
        raise SourceDocumentError(_("{path}: a zip package (a .docx or .xlsx?) named {suffix}; "
                                    "give it its real suffix").format(path=path, suffix=named))
    text, notes = _decode(raw, path)
    notes += _artefacts(text) if kind == "text" else []
    if kind == "text" and re.search(r"<(?:html|body|table)\b", text[:2000], re.IGNORECASE):
        kind = "html"
    records = html_records(text, path) if kind == "html" else text_records(text)
    return records, kind, notes


def _artefacts(text: str) -> list[Note]:
    """Word conversion leftovers in a published text ("[bookmark: _GoBack]"): a defect evaluators list."""
    found = []
    for n, line in enumerate(text.splitlines(), 1):
        for m in WORD_ARTEFACT.finditer(line):
            found.append(Note("warning", n, "正文", _("Word artefact “{text}” in the published text "
                                                    "(dropped on import)").format(text=m.group(0)), line.strip()))
    return found


def derive_slug(path: Path, agency: str | None) -> str:
    """The file name in slug form without a leading year; a hash of the agency when the name is not ASCII."""
    stem = re.sub(r"^(?:19|20)\d{2}[-_ ]*", "", path.stem.lower())
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:60].strip("-")
    if SLUG_RE.fullmatch(slug):
        return slug
    return "agency-" + hashlib.sha1((agency or path.name).encode()).hexdigest()[:8]


def _is_signature(rec: Record, agency: str | None) -> bool:
    return not rec.row and (published_of([rec]) is not None or (bool(agency) and rec.cells[0].strip() == agency))


def _signature_free(records: list[Record], agency: str | None, everywhere: bool = False) -> list[Record]:
    """Without the agency name and date signed under section 六 (or, ``everywhere``, under the title)."""
    if everywhere:
        return [r for r in records if not _is_signature(r, agency)]
    out = list(records)
    while out and _is_signature(out[-1], agency):
        out.pop()
    return out


def _texts(fmt: Format, layout: Layout, agency: str, title_len: int, wrapped: bool,
           notes: list[Note]) -> dict[str, str | None]:
    """The text of each section the analyst writes; the opening one starts with the preamble, the last one
    ends before the signature."""
    analyst = fmt.analyst_sections
    text: dict[str, str | None] = {}
    for section in analyst:
        found = list(layout.sections.get(section.key, ()))
        if section is analyst[0]:
            # the preamble's own text (purpose, legal basis, period) opens the report; signature lines do not
            preamble = _signature_free([r for r in layout.preamble[title_len:] if not r.row], agency, everywhere=True)
            found = [*preamble, *found]
        if section is analyst[-1]:
            found = _signature_free(found, agency)
        text[section.key] = prose(found, wrapped)
    keys = [s.key for s in fmt.sections]
    for section in analyst:
        before = fmt.sections[keys.index(section.key) - 1] if keys.index(section.key) else None
        if text[section.key] is not None or before is None or before.table is None or before.key not in layout.sections:
            continue
        # some reports drop the heading after a table (五 after 四): the text after the table is this section
        region = list(layout.sections[before.key])
        last_row = max((i for i, r in enumerate(region) if r.row), default=-1)
        after = [r for r in region[last_row + 1:] if not r.row]
        if after:
            text[section.key] = prose(after, wrapped)
            notes.append(Note("warning", after[0].line, section.title,
                              _("heading not found; the text after table {table} was taken as this section").format(
                                  table=before.table),
                              after[0].text))
    for key, value in text.items():
        if not value:
            notes.append(Note("warning", None, fmt.section(key).title, _("no text found for this section")))
    return text


def import_document(path: str | Path, slug: str | None = None, year: int | None = None,
                    agency: str | None = None) -> Imported:
    """Read one published report into an AgencyYear; figures that cannot be read are blank and noted.

    ``year`` and ``agency`` stand for what the title would say (a document whose title was lost)."""
    path = Path(path)
    records, kind, notes = read_records(path)
    if not records:
        raise SourceDocumentError(_("{path}: no text found").format(path=path))
    title = title_of(records)
    fid = detect_format(records)
    if year is not None and title.year is not None and year != title.year:
        notes.append(Note("warning", records[title.lines - 1].line, "年度", _("the title says {title}; "
                                                                           "{year} was given and is used").format(
                                                                               title=title.year, year=year)))
    year = year or title.year
    said: tuple[int, str] | None = None
    if year is None and (said := year_in_preamble(records)):
        year = said[0]
        notes.append(Note("warning", None, "年度", _("no title gives the year; {year} taken from the preamble "
                                                     "“{said}” (give it with --year if that is wrong)").format(
                                                         year=year, said=said[1][:60])))
    stated = year_from_text(records) if year is None else None
    if stated is not None:
        year = stated.year
        notes.append(Note("warning", None, "年度", _("no title gives the year; {year} taken from {how} “{said}” "
                                                     "(give it with --year if that is wrong)").format(
                                                         year=year, how=stated.how, said=stated.said[:60])))
    if fid is None and not any(find_layout(records, get_format(f)).sections for f in available()) \
            and not reads_as_report(records):
        raise SourceDocumentError(
            _("{path}: not an annual report: none of the six section headings (一、总体情况 …) and none of the "
              "official table labels were found").format(path=path))
    if year is None:
        raise SourceDocumentError(_("{path}: no report year found in the title (“…2024年政府信息公开工作年度报告”); "
                                    "give it with --year").format(path=path))
    if fid is None:
        fid = format_for_year(year).id
        notes.append(Note("warning", None, "格式", _("no table labels tell the format apart; assumed {format}, "
                                                     "the format for {year}").format(format=fid, year=year)))
    agency, inferred = _agency(path, records, title, agency, notes)
    if said:
        inferred["year"] = f"no title gives it; the preamble says “{said[1][:60]}”"
    if stated is not None:
        inferred["year"] = f"no title gives it; {stated.how} says “{stated.said[:60]}”"
    fmt = get_format(fid)
    layout = find_layout(records, fmt)
    cells = Cells(fmt)
    regions = table_regions(records, fmt, layout)
    for section in fmt.sections:
        if section.table is None:
            continue
        table = fmt.table(section.table)
        if section.table not in regions:
            # never the whole document: figures there belong to other tables (issue 14: table 四 from 二)
            n = sum(1 for _cell in table.cells())
            notes.append(Note("error", None, f"表{section.table}", _("neither the heading “{heading}” nor the "
                                                                    "table's own header was found; its {n} cells are "
                                                                    "blank").format(heading=section.title, n=n),
                              scope=(section.table,)))
            continue
        region, how = regions[section.table]
        if how == "header":
            notes.append(Note("warning", region[0].line, section.title, _("heading not found; table {table} "
                                                                          "was read from its own header on").format(
                                                                              table=section.table),
                              region[0].text))
        READERS[table.shape](cells, region)
    notes.extend(cells.notes)

    wrapped = kind in ("text", "pdf") and looks_wrapped(records)
    text = _texts(fmt, layout, agency, title.lines, wrapped, notes)
    found = infer_kind(agency) if "agency" not in inferred else None
    if found is not None:
        inferred.update(found.inferred)
        for name, why in found.inferred.items():
            notes.append(Note("info", None, "机关名称", _("{name} {value} inferred: {why}").format(
                name=name, value=getattr(found, name), why=why)))
    body, level = (found.body if found else None), (found.level if found else None)
    if level is None and body is None and (by_text := level_from_text(text.values())) is not None:
        # the name settles nothing: how the body calls itself (我镇 …) tells a township, said as inferred
        body, level = by_text.body, by_text.level
        inferred.update({"body": by_text.why, "level": by_text.why})
        notes.append(Note("info", None, "机关名称", _("level {level} and body {body} inferred: {why}").format(
            level=level, body=body, why=by_text.why)))
    ay = AgencyYear(
        fmt=fmt, agency=agency, slug=slug or derive_slug(path, agency), year=year, tables=cells.tables,
        body=body or "department", level=level,
        inferred=inferred, published=published_of(records), text=text, source=str(path),
        # the published prose is the whole prose: rules that defer to generated sentences must not here
        narrative=dict.fromkeys((s.key for s in fmt.sections), False),
    )
    return Imported(ay, tuple(notes), path, kind)


def _agency(path: Path, records: list[Record], title: Title, given: str | None,
            notes: list[Note]) -> tuple[str, dict[str, str]]:
    """The agency as given, else as the title or the 落款 names it; never a preamble sentence."""
    if given:
        return given, {}
    if title.agency:
        return title.agency, {}
    signed = signed_agency(records)
    if signed:
        notes.append(Note("info", None, "机关名称",
                          _("taken from the 落款 “{signed}” (the title does not name it)").format(signed=signed)))
        return signed, {}
    notes.append(Note("warning", records[0].line, "机关名称", _("neither a title nor a 落款 names the agency; the file "
                                                               "name stands for it (give it with --agency)"),
                      records[0].text))
    return path.stem, {"agency": "no title or 落款 names the agency: the file name stands for it"}


def params_path(imported: Imported, out_dir: Path) -> Path:
    return out_dir / str(imported.ay.year) / f"{imported.ay.slug}.yaml"


def write_params(imported: Imported, out_dir: Path, force: bool = False) -> Path:
    """Write the params file (validated by the same loader every params file goes through), atomically."""
    target = params_path(imported, out_dir)
    if target.exists() and not force:
        raise SourceDocumentError(_("{path}: {target} exists; pass --force to replace it").format(
            path=imported.path, target=target))
    text = params_io.dumps(imported.ay)
    # what the import inferred rather than read stays visible to whoever opens the file (params has no field for it)
    said = "".join(f"# inferred by import: {name}: {why}\n" for name, why in imported.ay.inferred.items())
    text = text.replace("\n", "\n" + said, 1) if said else text
    try:
        params_io.loads(text, str(target))
    except ParamsError as exc:
        raise SourceDocumentError(_("{path}: the imported figures do not make valid params:\n{error}").format(
            path=imported.path, error=exc)) from None
    atomic_write_text(target, text)
    return target
