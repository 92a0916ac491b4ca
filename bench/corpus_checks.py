"""What the checks find on the real-report corpus (tests/data/real), per rule and per defect kind.

    .venv/bin/python bench/corpus_checks.py [--split dev|holdout|holdout2|all] [--details]

Every report goes through ``audit`` (the importer, then every rule), as a reviewer would run it. Its findings are
matched with the defects a careful reading recorded in the report's ``defects.yaml``:

- a defect is *found* when a finding of a rule that should catch its ``kind`` (KIND_RULES) points at the same
  place: the same section or table, and for statements in the text a quote that overlaps the defect's quote;
- a *false error* is an error finding that matches no recorded defect.

Each report is also checked a second way, with a perfect import: the hand-checked cells of ``expected.json`` and
the document's whole prose. A defect the rules find that way but not through ``audit`` is an *import miss* (the
importer lost what the rule needs); a false error that the perfect import does not produce is an *import*
false error. Counts only: nothing here is a pass/fail target.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any

import yaml

from report_kit.checks import Finding, run_checks
from report_kit.errors import ReportKitError
from report_kit.formats import get_format
from report_kit.i18n import set_language
from report_kit.importers import read_records
from report_kit.importers._audit import audit
from report_kit.importers._facts import context_for
from report_kit.model import AgencyYear, blank_tables

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT / "tests" / "data" / "real"

# The rules that should catch each kind of defect (tests/data/real/README.md lists the kinds). An import note
# ("import:…") counts for old labels in a table, which only the importer sees.
KIND_RULES: dict[str, set[str]] = {
    "t3-balance": {"T3-BALANCE"},
    "t3-leaf-sum": {"T3-LEAVES"},
    "row-sum": {"T3-ROWSUM"},
    "t4-sum": {"T4-SUM"},
    "blank-cells": {"BLANK-CELLS"},
    "text-vs-table": {"TEXT-TABLE", "TEXT-SHARE", "TEXT-BASIS", "TEXT-ZERO", "TEXT-DONE", "TEXT-T2", "TEXT-UPHELD",
                      "T2-NORMATIVE"},
    "text-arithmetic": {"TEXT-OUTCOMES", "TEXT-FLOW", "TEXT-CALC", "TEXT-ITEMIZED"},
    "text-contradiction": {"TEXT-UPHELD", "TEXT-DONE", "TEXT-ZERO", "TEXT-T2"},
    "wrong-year": {"TEXT-PERIOD", "TEXT-OTHER-YEAR"},
    "placeholder": {"TEXT-PLACEHOLDER"},
    "old-labels": {"TEXT-LABEL", "FORMAT-YEAR", "import:another format's wording"},
    "fee-statement-missing": {"REQ-FEE"},
    "structure": {"STRUCT-HEADINGS", "STRUCT-TITLE", "STRUCT-NUMBERING", "TEXT-PARTS"},
    "level": {"LEVEL-RULES"},
    "agency-name": {"AGENCY-NAME"},
    "format-number": set(),
    "other": {"T2-NORMATIVE", "TEXT-PERIOD", "TEXT-DOCNO", "TEXT-ENUM"},  # the "other" defects in a rule's reach
}
TEXT_KINDS = {"text-vs-table", "text-arithmetic", "text-contradiction", "wrong-year", "placeholder"}
CN = "一二三四五六"


def _norm(text: str) -> str:
    return re.sub(r"[\s\W_]+", "", unicodedata.normalize("NFKC", text or ""))


def _sections(where: str) -> set[str]:
    """The sections (一 … 六) a defect's ``where`` points at; the preamble, title and 编制说明 are read with 一."""
    if re.search(r"preamble|title|编制说明", where):
        return {"一"}
    tables = set(re.findall(r"tables? ([二三四])|table ([二三四])", where))
    found = {t for pair in tables for t in pair if t}
    found |= set(re.findall(r"tables ([二三四])(?:, ([二三四]))?(?:, ([二三四]))?", where)[0]) - {""} \
        if re.search(r"tables [二三四]", where) else set()
    if found:
        return found
    m = re.match(r"\s*(?:sections? )?([一二三四五六])", where)
    return {m.group(1)} | set(re.findall(r"and ([一二三四五六])", where)) if m else set()


@dataclass
class Defect:
    report: str
    split: str
    kind: str
    where: str
    quote: str
    found_by: set[str] = field(default_factory=set)  # rules that caught it through audit
    oracle_by: set[str] = field(default_factory=set)  # rules that caught it with a perfect import

    def matches(self, f: Finding) -> bool:
        if f.rule not in KIND_RULES[self.kind]:
            return False
        sections = _sections(self.where)
        if sections and f.section not in sections:
            return False
        if self.kind in TEXT_KINDS or f.rule.startswith("TEXT-"):
            # a statement in the text: the finding must quote (part of) the same words
            a, b = _norm(self.quote), _norm(f.quote or f.message)
            return SequenceMatcher(None, a, b, autojunk=False).find_longest_match().size >= 6
        return True


def _prose(path: Path) -> str:
    try:
        records, _, _ = read_records(path)
    except ReportKitError:
        return ""
    return "\n".join(r.cells[0] for r in records if not r.row)


def _oracle(report: str, path: Path | None, imported: AgencyYear | None) -> AgencyYear:
    """The report as a perfect import would read it: the hand-checked cells, the whole prose as text."""
    exp = json.loads((REAL / report / "expected.json").read_text("utf-8"))
    fmt = get_format(exp["format"])
    tables = blank_tables(fmt)
    for tid, row_label, col_label, value in exp["cells"]:
        t = fmt.table(tid)
        rk = next(k for k, r in t.figure_rows() if r.label == row_label)
        ck = next(c.key for c in t.columns_of(rk) if c.label == col_label)
        tables[tid][rk][ck] = Decimal(str(value)) if isinstance(value, float) else value
    texts = dict(imported.text) if imported is not None and imported.fmt.id == fmt.id else {}
    if path is not None:
        texts[fmt.opening.key] = _prose(path)
    base = AgencyYear(fmt=fmt, agency=exp["agency"] or "某机关", slug="x", year=exp["year"], tables=tables,
                      body=exp["body"] or "department", level=exp["level"], text=texts,
                      narrative=dict.fromkeys((s.key for s in fmt.sections), False))
    if imported is not None:
        base = replace(base, published=imported.published)
    return base


def _source(report: str) -> Path | None:
    found = sorted(p for p in (REAL / report).iterdir() if p.stem == "source")
    return found[0] if found else None


def measure(split: str) -> dict[str, Any]:
    index = yaml.safe_load((REAL / "INDEX.yaml").read_text("utf-8"))["reports"]
    entries = [e for e in index if split == "all" or e["split"] == split]
    defects: list[Defect] = []
    false_errors: list[tuple[str, Finding, str]] = []  # (report, finding, cause: rule/import)
    unreadable: list[str] = []
    oracle_false: list[tuple[str, Finding]] = []  # false errors with a perfect import (the rules' own)
    for e in entries:
        rid = e["id"]
        recorded = yaml.safe_load((REAL / rid / "defects.yaml").read_text("utf-8"))
        mine = [Defect(rid, e["split"], d["kind"], str(d["where"]), str(d["quote"]))
                for d in recorded.get("defects") or []]
        defects += mine
        path = _source(rid)
        findings: list[Finding] = []
        imported_ay = None
        notes: list[str] = []
        if path is None:
            unreadable.append(f"{rid}: no source stored (external PDF)")
        else:
            [a] = audit([path])
            if a.error or a.imported is None:
                unreadable.append(f"{rid}: {a.error}")
            else:
                findings, imported_ay = list(a.findings), a.imported.ay
                notes = [n.message for n in a.imported.notes]
        oracle_ay = _oracle(rid, path, imported_ay)
        context = context_for(path, oracle_ay.fmt.id) if path is not None else None
        oracle = run_checks(oracle_ay, None, context)
        for d in mine:
            d.found_by = {f.rule for f in findings if d.matches(f)}
            if any(r.startswith("import:") and any(r[7:] in n for n in notes) for r in KIND_RULES[d.kind]):
                d.found_by.add("import note")
            d.oracle_by = {f.rule for f in oracle if d.matches(f)}
        oracle_ids = {f.id for f in oracle if f.severity == "error"}
        # the perfect import's texts are made up (the whole prose as section 一): TEXT-EMPTY there says nothing
        oracle_false += [(rid, f) for f in oracle if f.severity == "error" and f.rule != "TEXT-EMPTY"
                         and not any(d.matches(f) for d in mine)]
        for f in findings:
            if f.severity == "error" and not any(d.matches(f) for d in mine):
                false_errors.append((rid, f, "rule" if f.id in oracle_ids else "import"))
    return {"split": split, "reports": len(entries), "defects": defects, "false_errors": false_errors,
            "unreadable": unreadable, "oracle_false": oracle_false}


def report(result: dict[str, Any], details: bool) -> list[str]:
    defects: list[Defect] = result["defects"]
    out = [f"## {result['split']}: {result['reports']} reports, {len(defects)} recorded defects"]
    by_kind: dict[str, list[Defect]] = defaultdict(list)
    for d in defects:
        by_kind[d.kind].append(d)
    out.append("| defect kind | rules | found / present | import misses | rule misses |")
    out.append("|---|---|---|---|---|")
    for kind, items in sorted(by_kind.items()):
        found = sum(1 for d in items if d.found_by)
        imp = sum(1 for d in items if not d.found_by and d.oracle_by)
        rules = ", ".join(sorted(r for r in KIND_RULES[kind] if not r.startswith("import:"))) or "—"
        out.append(f"| {kind} | {rules} | {found} / {len(items)} | {imp} | {len(items) - found - imp} |")
    total_found = sum(1 for d in defects if d.found_by)
    total_import = sum(1 for d in defects if not d.found_by and d.oracle_by)
    out.append(f"| **all** | | **{total_found} / {len(defects)}** | {total_import} | "
               f"{len(defects) - total_found - total_import} |")
    caught = Counter(r for d in defects for r in d.found_by)
    fe = Counter(f.rule for _, f, _ in result["false_errors"])
    fe_import = Counter(f.rule for _, f, cause in result["false_errors"] if cause == "import")
    out += ["", "| rule | defects caught | false errors (of which from the import) |", "|---|---|---|"]
    for r in sorted(set(caught) | set(fe)):
        out.append(f"| {r} | {caught[r]} | {fe[r]} ({fe_import[r]}) |")
    out.append(f"| **all** | | **{sum(fe.values())}** ({sum(fe_import.values())}) |")
    out.append(f"\nWith a perfect import (hand-checked cells, the whole prose): "
               f"{sum(1 for d in defects if d.oracle_by)} / {len(defects)} defects found, "
               f"{len(result['oracle_false'])} false errors.")
    if result["unreadable"]:
        out += ["", "Not imported at all (every defect there is an import miss unless the rules miss it too):"]
        out += [f"- {u}" for u in result["unreadable"]]
    if details:
        out += ["", "Defects:"]
        for d in defects:
            state = ("found by " + ", ".join(sorted(d.found_by)) if d.found_by else
                     "IMPORT MISS (perfect import: " + ", ".join(sorted(d.oracle_by)) + ")" if d.oracle_by else
                     "MISSED")
            out.append(f"- {d.report} [{d.kind}] {d.where}: {state}")
        out += ["", "False errors:"]
        out += [f"- {rid} ({cause}): {f.id}: {f.message[:100]}" for rid, f, cause in result["false_errors"]]
        out += ["", "False errors with a perfect import:"]
        out += [f"- {rid}: {f.id}: {f.message[:100]}" for rid, f in result["oracle_false"]]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=["dev", "holdout", "holdout2", "all", "both"], default="both",
                    help="both: dev and holdout; holdout2 is measured only when named (never tuned on)")
    ap.add_argument("--details", action="store_true", help="list every defect and every false error")
    args = ap.parse_args(argv)
    # import notes are matched by their English msgid ("another format's wording"): measure in English, whatever
    # the user's language (report-kit speaks Chinese by default since i18n)
    set_language("en")
    for split in (["dev", "holdout"] if args.split == "both" else [args.split]):
        print("\n".join(report(measure(split), args.details)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
