"""Every finding, error message and composed section over params trees, one JSON line each: run before and after
a change that must not change any result, and diff the two outputs (they must be byte-identical).

    .venv/bin/python bench/dump_findings.py [--jobs N] tests/data params /tmp/bench-tree > before.jsonl

Each argument is checked as a whole (as `report-kit check DIR` does, registry contexts included; with ``--jobs``
in that many worker processes), then every
params file below it on its own (as `report-kit check FILE`), with the composed prose of each valid file.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from report_kit import discovery, identity
from report_kit.checks import findings_to_records
from report_kit.checks._files import check_files
from report_kit.cli._check import registry_contexts
from report_kit.errors import ReportKitError


def line(kind: str, what: object, data: object) -> None:
    print(json.dumps({"kind": kind, "what": str(what), "data": data}, ensure_ascii=False, default=str))


def main(roots: list[str], jobs: int | None) -> None:
    from report_kit.narrative import compose

    for root in roots:
        for r in check_files([Path(root)], registry_contexts(), jobs=jobs):
            line("tree", r.path, {"error": r.error, "findings": findings_to_records(r.findings)})
        for f in discovery.discover([Path(root)]):
            for r in check_files([f], registry_contexts()):
                line("file", r.path, {"error": r.error, "findings": findings_to_records(r.findings)})
            try:
                ay = identity.load(f)
            except ReportKitError as exc:
                line("load", f, str(exc))
                continue
            line("compose", f, [asdict(s) for s in compose(ay)])


if __name__ == "__main__":
    args = sys.argv[1:]
    jobs = None
    if args[:1] == ["--jobs"]:  # the trees checked with this many worker processes (default: as `check` decides)
        jobs, args = int(args[1]), args[2:]
    main(args, jobs)
