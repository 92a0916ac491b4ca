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
    i = sub.add_parser("import", help=_("read published reports (.txt, .md, .docx, .html, .pdf) into params files"))
    i.add_argument("files", nargs="+", type=Path, help=_("report files, or folders of them"))
    i.add_argument("--out", type=Path, default=Path("params"), help=_("params root (default: params)"))
    i.add_argument("--slug", help=_("output slug (one file only); default: from the file name"))
    i.add_argument("--year", type=int, help=_("report year when the title does not say (one file only)"))
    i.add_argument("--agency",
                   help=_("the agency's name when neither the title nor the 落款 gives it (one file only)"))
    i.add_argument("--force", action="store_true", help=_("replace an existing params file"))
    i.add_argument("--verbose", "-v", action="store_true",
                   help=_("list every import note (rows not found, rows placed by order …), not only their counts"))
    i.set_defaults(func=run_import)

    a = sub.add_parser("audit", help=_("import published reports and run every check on them (nothing written)"))
    a.add_argument("files", nargs="+", type=Path, help=_("report files, or folders of them"))
    a.add_argument("--html", type=Path, help=_("also write the audit as an HTML page"))
    a.add_argument("--year", type=int, help=_("report year of documents whose title does not give it"))
    a.add_argument("--agency",
                   help=_("the agency's name when neither the title nor the 落款 gives it (one file only)"))
    a.add_argument("--verbose", "-v", action="store_true", help=_("list every import note, not only their counts"))
    a.set_defaults(func=run_audit)


def run_import(args: argparse.Namespace) -> int:
    from report_kit.importers._audit import note_lines

    args.files = expand(args.files)
    if (args.slug or args.year or args.agency) and len(args.files) > 1:
        raise ReportKitError(_("--slug, --year and --agency apply to one file; import the files one at a time"))
    failed = 0
    for path in args.files:
        try:
            imported = import_document(path, slug=args.slug, year=args.year, agency=args.agency)
            for line in note_lines(imported.notes, path, verbose=args.verbose):
                echo(line)
            target = write_params(imported, args.out, force=args.force)
        except SourceDocumentError as exc:
            echo(_("error: {message}").format(message=exc))
            failed += 1
            continue
        blank = len(imported.errors)
        echo(_("{path} -> {target} ({n} import errors: those cells are blank)").format(
            path=path, target=target, n=blank) if blank else f"{path} -> {target}")
        failed += bool(blank)
    return 1 if failed else 0


def run_audit(args: argparse.Namespace) -> int:
    from report_kit.importers._audit import COLUMNS, audit, audit_html, note_lines, summary  # pandas: when auditing
    from report_kit.importers._verdict import verdict_lines
    from report_kit.registry import load_registry_with_rules

    files = expand(args.files)
    if args.agency and len(files) > 1:
        raise ReportKitError(_("--agency applies to one file; audit the files one at a time"))
    # the registry where `build` reads it: a document named <year>-<slug>.* is checked against its entry
    registry_path = Path("params") / "agencies.yaml"
    registry, rules = load_registry_with_rules(registry_path) if registry_path.is_file() else (None, ())
    audits = audit(files, year=args.year, agency=args.agency, registry=registry, rules=rules,
                   registry_path=registry_path if registry is not None else None)
    for a in audits:
        notes = note_lines(a.imported.notes, a.path, verbose=args.verbose) if a.imported else []
        for line in verdict_lines(a, notes):
            echo(line)
        echo()
    table = summary(audits)
    echo()
    shown = table.drop(columns="unreadable")
    echo(shown.rename(columns={c: _(COLUMNS[c]) for c in shown.columns}).to_string(index=False))
    if args.html:
        atomic_write_text(args.html, audit_html(audits))
        echo(_("audit page: {path}").format(path=args.html))
    return 1 if (table["errors"] > 0).any() else 0
