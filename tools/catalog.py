"""Keep the Chinese message catalogue in step with the code: ``make catalog`` runs this.

1. extract every ``_()``, ``ngettext()`` and ``N_()`` msgid from ``src/`` with Babel, plus argparse's own
   messages from this Python's ``argparse.py`` (the CLI routes them through the catalogue, see
   ``report_kit.i18n.install_argparse``);
2. merge them into ``locale/zh_CN/LC_MESSAGES/report_kit.po``: new msgids arrive with an empty msgstr (to
   translate by hand), msgids no longer in the code are dropped; the file is sorted by msgid without source
   locations, so that branches adding messages merge without conflicts in unrelated lines;
3. compile the ``.mo`` the package ships (``tests/test_i18n.py`` fails when it is out of step or when a
   msgid has no translation).

``python tools/catalog.py --compile`` only recompiles (after merging branches that both changed the .po).
"""

from __future__ import annotations

import argparse
import datetime
import io
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
PO = SRC / "report_kit" / "locale" / "zh_CN" / "LC_MESSAGES" / "report_kit.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2), "N_": None}
ARGPARSE_KEYWORDS = {"_": None, "ngettext": (1, 2)}
FIXED_DATE = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)


def _msgid(message: str | tuple[str, ...]) -> str | tuple[str, str]:
    return message if isinstance(message, str) else (message[0], message[1])


def code_messages() -> Iterator[tuple[str | tuple[str, str], str]]:
    """(msgid, where) of every message in the code and in argparse."""
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            SRC, method_map=[("**.py", "python")], keywords=KEYWORDS):
        yield _msgid(message), f"src/{filename}"
    argparse_py = argparse.__file__
    for _lineno, message, _comments, _context in extract_from_file("python", argparse_py,
                                                                     keywords=ARGPARSE_KEYWORDS):
        yield _msgid(message), "argparse"


def read_catalog(path: Path = PO) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, locale="zh_CN", domain="report_kit")


def compiled(catalog: Catalog) -> bytes:
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def update() -> Catalog:
    old = read_catalog() if PO.is_file() else Catalog(locale="zh_CN", domain="report_kit")
    # fixed header dates: a run that changes no message changes no byte (and branches merge cleanly)
    new = Catalog(locale="zh_CN", domain="report_kit", project="report-kit", version="0", charset="utf-8",
                  copyright_holder="report-kit", creation_date=FIXED_DATE, revision_date=FIXED_DATE,
                  last_translator="report-kit", language_team="report-kit", fuzzy=False)
    seen: set[str | tuple[str, str]] = set()
    for msgid, where in code_messages():
        if msgid in seen:
            continue
        seen.add(msgid)
        key = msgid if isinstance(msgid, str) else msgid[0]
        previous = old.get(key)
        string = previous.string if previous is not None else ("", "") if isinstance(msgid, tuple) else ""
        flags = set(previous.flags) - {"python-format", "python-brace-format"} if previous is not None else set()
        comments = ["argparse"] if where == "argparse" else []
        new.add(msgid, string, flags=flags, auto_comments=comments)
    return new


def write(catalog: Catalog) -> None:
    buf = io.BytesIO()
    write_po(buf, catalog, width=0, no_location=True, sort_output=True, include_previous=False, omit_header=False)
    PO.parent.mkdir(parents=True, exist_ok=True)
    PO.write_bytes(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true", help="only compile the .po into the .mo")
    args = parser.parse_args(argv)
    if not args.compile:
        write(update())
    catalog = read_catalog()
    MO.write_bytes(compiled(catalog))
    missing = [m.id for m in catalog if m.id and (not m.string or (isinstance(m.string, tuple)
                                                                   and not all(m.string)))]
    fuzzy = [m.id for m in catalog if m.id and m.fuzzy]
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} untranslated, {len(fuzzy)} fuzzy")
    for m in missing:
        print(f"  untranslated: {m!r}", file=sys.stderr)
    return 1 if missing or fuzzy else 0


if __name__ == "__main__":
    sys.exit(main())
