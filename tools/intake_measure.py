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
import sys
import warnings
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.real_support import CLASSES, expected, index, run, source_of  # noqa: E402

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
        no_year = 0
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
            if sc.refused:
                meta.append(f"  {entry['id']}: REFUSED: {sc.refused[:150]}")
            elif imported is not None:
                ay = imported.ay
                got = (ay.agency, ay.body, ay.level)
                want = (exp["agency"], exp["body"], exp["level"])
                mark = "" if got == want else "   ≠ expected " + repr(want)
                meta.append(f"  {entry['id']}: agency {ay.agency!r} body {ay.body} level {ay.level}"
                            f" inferred {sorted(getattr(ay, 'inferred', {}))}{mark}")
            if args.verbose:
                for p in sc.problems:
                    meta.append(f"    {entry['id']}: {p}")
            unyeared, _ = run(entry, with_year=False)
            no_year += bool(unyeared.refused)
            if sc.counts["wrong"] or sc.counts["invented"]:
                status = 1
        rows = dict(sorted((k, v) for k, v in by_layout.items() if k != "(total)"))
        rows["(total)"] = by_layout.get("(total)", Counter())
        print("\n".join(table(f"== {split}: cells per layout (year given)", rows, reports)))
        print(f"refused without --year: {no_year} of {reports['(total)']}")
        print("\n".join(meta))
        print()
    return status


if __name__ == "__main__":
    raise SystemExit(main())
