"""report-kit import / audit: published reports into params, or straight into the rule catalogue."""

from __future__ import annotations

import argparse
from pathlib import Path

from report_kit._terminal import echo
from report_kit.errors import ReportKitError, SourceDocumentError
from report_kit.files import atomic_write_text
from report_kit.i18n import _
from report_kit.importers import expand, import_document, write_params


def add_parser(sub: argparse._SubParsersAction) -> None:
    i = sub.add_parser("import", help=_("read published reports (.txt, .md, .docx, .html) into params files"))
    i.add_argument("files", nargs="+", type=Path, help=_("report files, or folders of them"))
    i.add_argument("--out", type=Path, default=Path("params"), help=_("params root (default: params)"))
    i.add_argument("--slug", help=_("output slug (one file only); default: from the file name"))
    i.add_argument("--year", type=int, help=_("report year when the title does not say (one file only)"))
    i.add_argument("--force", action="store_true", help=_("replace an existing params file"))
    i.set_defaults(func=run_import)

    a = sub.add_parser("audit", help=_("import published reports and run every check on them (nothing written)"))
    a.add_argument("files", nargs="+", type=Path, help=_("report files, or folders of them"))
    a.add_argument("--html", type=Path, help=_("also write the audit as an HTML page"))
    a.set_defaults(func=run_audit)


def run_import(args: argparse.Namespace) -> int:
    from report_kit.importers._audit import note_lines

    args.files = expand(args.files)
    if (args.slug or args.year) and len(args.files) > 1:
        raise ReportKitError("--slug and --year apply to one file; import the files one at a time")
    failed = 0
    for path in args.files:
        try:
            imported = import_document(path, slug=args.slug, year=args.year)
            for line in note_lines(imported.notes, path):
                echo(line)
            target = write_params(imported, args.out, force=args.force)
        except SourceDocumentError as exc:
            echo(f"error: {exc}")
            failed += 1
            continue
        blank = len(imported.errors)
        echo(f"{path} -> {target}" + (f" ({blank} import errors: those cells are blank)" if blank else ""))
        failed += bool(blank)
    return 1 if failed else 0


def run_audit(args: argparse.Namespace) -> int:
    from report_kit.importers._audit import audit, audit_html, note_lines, summary  # pandas: only when auditing

    audits = audit(expand(args.files))
    for a in audits:
        if a.error:
            echo(f"error: {a.error}")
            continue
        assert a.imported is not None
        echo(f"== {a.path}: {a.imported.ay.title} ({a.imported.ay.fmt.id} format)"
              + (f", compared with {a.previous.name}" if a.previous else ""))
        for line in note_lines(a.imported.notes, a.path):
            echo(line)
        for f in a.findings:
            if f.severity != "info":
                echo(f"{a.path}: {f.severity}: {f.id}: {f.location}: {f.message}")
    table = summary(audits)
    echo()
    echo(table.drop(columns="unreadable").to_string(index=False))
    if args.html:
        atomic_write_text(args.html, audit_html(audits))
        echo(f"audit page: {args.html}")
    return 1 if (table["errors"] > 0).any() else 0
