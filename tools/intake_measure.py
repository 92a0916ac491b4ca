"""Measure `report-kit import` on the real-report corpus (tests/data/real): cells per layout and split.

    .venv/bin/python tools/intake_measure.py                  # dev and holdout, one table each
    .venv/bin/python tools/intake_measure.py --split dev -v   # dev only, with every wrong/invented/silent cell
    REPORT_KIT_REAL_PDFS=/path/to/pdfs .venv/bin/python tools/intake_measure.py   # the two real PDFs too

Each hand-checked cell is right, rightly blank, blank with a note that covers it, blank without one,
wrong, or invented (a figure where the document has none); see tests/real_support.py. A report with
several layouts counts under each of them; the total counts it once. Also printed: how many reports
are refused without --year (the title must give it) and the agency, body and level found.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.real_support import CLASSES, expected, index, run, score, source_of  # noqa: E402

from report_kit.errors import SourceDocumentError  # noqa: E402
from report_kit.importers import import_document  # noqa: E402

HEAD = {"right": "right", "blank_right": "blank ok", "blank_noted": "blank+note", "blank_silent": "blank silent",
        "wrong": "wrong", "invented": "invented"}


def table(title: str, rows: dict[str, Counter[str]], reports: Counter[str]) -> list[str]:
    out = [title, f"{'layout':<20}{'reports':>8}" + "".join(f"{HEAD[c]:>14}" for c in CLASSES)]
    for name, counts in rows.items():
        out.append(f"{name:<20}{reports[name]:>8}" + "".join(f"{counts[c]:>14}" for c in CLASSES))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "holdout", "all"], default="all")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every wrong, invented or silent cell")
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    splits = ["dev", "holdout"] if args.split == "all" else [args.split]
    status = 0
    for split in splits:
        by_layout: dict[str, Counter[str]] = {}
        reports: Counter[str] = Counter()
        total: Counter[str] = Counter()
        meta: list[str] = []
        no_year = refused = 0
        names: Counter[str] = Counter()
        for entry in index():
            if entry["split"] != split:
                continue
            if source_of(entry) is None:
                meta.append(f"  {entry['id']}: source not present (set REPORT_KIT_REAL_PDFS), not measured")
                continue
            sc, imported = run(entry)
            layouts = [*entry["layout"], "(total)"]
            for lay in layouts:
                by_layout.setdefault(lay, Counter()).update(sc.counts)
                reports[lay] += 1
            total.update(sc.counts)
            exp = expected(entry["id"])
            refused += bool(sc.refused)
            if sc.refused:
                meta.append(f"  {entry['id']}: REFUSED: {sc.refused[:150]}")
            elif imported is not None:
                ay = imported.ay
                got = (ay.agency, ay.body, ay.level)
                want = (exp["agency"], exp["body"], exp["level"])
                mark = "" if got == want else "   ≠ expected " + repr(want)
                names["agency " + ("right" if ay.agency == exp["agency"] else "none" if "agency" in ay.inferred
                                   else "other")] += 1
                names["level " + ("right" if ay.level == exp["level"] and ay.level else "not inferred"
                                  if ay.level is None else "WRONG")] += 1
                meta.append(f"  {entry['id']}: agency {ay.agency!r} body {ay.body} level {ay.level}"
                            f" inferred {sorted(getattr(ay, 'inferred', {}))}{mark}")
            if args.verbose:
                for p in sc.problems:
                    meta.append(f"    {entry['id']}: {p}")
            if entry.get("external") and shutil.which("pdftotext"):
                # the same PDF as its text is often passed around: pdftotext with and without -layout
                for flags, name in ((["-layout"], "pdftotext -layout"), ([], "pdftotext (raw)")):
                    with tempfile.TemporaryDirectory() as tmp:
                        txt = Path(tmp) / "report.txt"
                        subprocess.run(["pdftotext", *flags, str(source_of(entry)), str(txt)], check=True)
                        try:
                            text_score = score(entry["id"], import_document(txt, year=entry["year"]))
                        except SourceDocumentError as exc:
                            text_score = score(entry["id"], str(exc))
                    by_layout.setdefault(name, Counter()).update(text_score.counts)
                    reports[name] += 1
            unyeared, _ = run(entry, with_year=False)
            no_year += bool(unyeared.refused)
            if sc.counts["wrong"] or sc.counts["invented"]:
                status = 1
        rows = dict(sorted((k, v) for k, v in by_layout.items() if k != "(total)" and not k.startswith("pdftotext")))
        rows |= {k: v for k, v in by_layout.items() if k.startswith("pdftotext")}
        rows["(total)"] = by_layout.get("(total)", Counter())
        print("\n".join(table(f"== {split}: cells per layout (year given)", rows, reports)))
        t = rows["(total)"]
        print(f"summary: right {t['right']}, wrong {t['wrong'] + t['invented']} (invented {t['invented']}),"
              f" missed-blank {t['blank_noted'] + t['blank_silent']} (no note {t['blank_silent']}),"
              f" refused {refused} report(s)")
        print(f"refused without --year: {no_year} of {reports['(total)']}")
        print("names: " + ", ".join(f"{k} {v}" for k, v in sorted(names.items())))
        print("\n".join(meta))
        print()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
