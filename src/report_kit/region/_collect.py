"""Who belongs to a region and what they filed: the only part of ``region`` that reads files.

The region is the agency registry (``params/agencies.yaml``), or its subtree under ``--parent`` (an agency's
``parent`` names a region or another registered agency; the subtree follows that chain). Each member's params
for the year are loaded and checked; a broken file makes that member ``invalid`` and never stops the roll-up.
Every year under ``params/`` is read for the trend, restricted to the same agencies.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from report_kit import params as params_io
from report_kit.checks import Finding, run_checks
from report_kit.deadlines import Deadline, Filing, LocalRule, Subject, deadline_for, filing, kind
from report_kit.errors import RegionError, ReportKitError
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.registry import Agency, load_registry_with_rules


@dataclass(frozen=True)
class Member:
    """One agency that must report this year (or filed without being registered, when there is no registry)."""

    slug: str
    name: str
    entry: Agency | None
    ay: AgencyYear | None
    path: Path | None
    error: str | None  # why its params could not be used
    filing: Filing
    findings: tuple[Finding, ...] = ()

    @property
    def open_counts(self) -> dict[str, int]:
        """Unacknowledged findings by severity."""
        return {sev: sum(1 for f in self.findings if f.severity == sev and not f.acknowledged)
                for sev in ("error", "warning", "info")}


@dataclass(frozen=True)
class Region:
    year: int
    name: str | None  # the parent's name, None for the whole registry
    parent: str | None
    members: tuple[Member, ...]
    history: Mapping[int, tuple[AgencyYear, ...]]  # every year under params/: the members' valid params
    as_of: date
    inputs_sha256: str  # of the registry and every params file read
    unregistered: tuple[str, ...] = ()  # params files of the year whose slug the registry does not know
    notes: tuple[str, ...] = field(default=())  # unreadable params of other years (left out of the trend)

    @property
    def filed(self) -> list[AgencyYear]:
        """This year's valid params, in member order: the addends of every sum."""
        return [m.ay for m in self.members if m.ay is not None]

    @property
    def previous(self) -> tuple[AgencyYear, ...]:
        return self.history.get(self.year - 1, ())

    @property
    def title(self) -> str:
        return f"{self.name or ''}{self.year}年度政府信息公开工作年度报告汇总"

    @property
    def scope(self) -> str:
        return self.name or "全部登记机关"


def _subtree(registry: Mapping[str, Agency], parent: str) -> set[str]:
    """Slugs of agencies under ``parent`` (a registered slug or a region name), following parent chains."""
    def ancestors(slug: str) -> list[str]:
        seen: list[str] = []
        p = registry[slug].parent
        while p is not None and p not in seen:
            seen.append(p)
            p = registry[p].parent if p in registry else None
        return seen

    return {slug for slug in registry if slug == parent or parent in ancestors(slug)}


def _subject(entry: Agency | None, ay: AgencyYear | None) -> Subject:
    """The registry's body, level and deadline; the params file's body and level where the registry is silent."""
    return kind(entry.body if entry and entry.body else (ay.body if ay else None),
                entry.level if entry and entry.level else (ay.level if ay else None),
                entry.deadline if entry else None, entry.deadline_basis if entry else None)


def _years(root: Path) -> list[int]:
    return sorted(int(p.name) for p in root.iterdir() if p.is_dir() and p.name.isdigit()) if root.is_dir() else []


def _load(path: Path) -> tuple[AgencyYear | None, str | None]:
    try:
        return params_io.load(path), None
    except ReportKitError as exc:
        return None, str(exc)


def collect(params_root: str | Path, year: int, parent: str | None = None, registry: str | Path | None = None,
            today: date | None = None, expected_sha256: str | None = None) -> Region:
    """The region of ``year`` under ``params_root`` (registry: ``<params_root>/agencies.yaml`` when present).

    ``expected_sha256``: the inputs digest when the run was scheduled; a changed input is refused."""
    root = Path(params_root)
    today = today or date.today()
    reg_path = Path(registry) if registry else root / "agencies.yaml"
    agencies: dict[str, Agency] = {}
    rules: tuple[LocalRule, ...] = ()
    digest = hashlib.sha256()
    if reg_path.is_file():
        agencies, rules = load_registry_with_rules(reg_path)
        digest.update(b"registry\0" + reg_path.read_bytes())
    elif registry:
        raise RegionError(_("{path}: no such agency registry").format(path=reg_path))
    if parent and not agencies:
        raise RegionError(_("--parent {parent}: needs the agency registry ({path}), which lists each agency's "
                            "parent").format(parent=parent, path=reg_path))
    scope = _subtree(agencies, parent) if parent else set(agencies)
    if parent and not scope:
        known = sorted({a.parent for a in agencies.values() if a.parent})
        raise RegionError(_("--parent {parent}: no registered agency is under it; parents in {path}: {known}").format(
            parent=parent, path=reg_path, known=", ".join(known) or _("(none)")))
    name = (agencies[parent].name if parent in agencies else parent) if parent else None

    years = _years(root)
    history: dict[int, list[AgencyYear]] = {}
    loaded: dict[tuple[int, str], tuple[AgencyYear | None, str | None, Path]] = {}
    notes: list[str] = []
    for y in years:
        for path in sorted((root / str(y)).glob("*.yaml")):
            slug = path.stem
            if agencies and slug not in scope:
                continue
            digest.update(f"{y}/{slug}\0".encode() + params_io.content_hash(path).encode())
            ay, err = _load(path)
            loaded[(y, slug)] = (ay, err, path)
            if ay is not None:
                history.setdefault(y, []).append(ay)
            elif y != year:
                notes.append(_("{path}: unreadable, left out of the {year} figures").format(path=path, year=y))

    if expected_sha256 and digest.hexdigest() != expected_sha256:
        raise RegionError(_("{path}: params or registry changed after this region run was scheduled; run it "
                            "again").format(path=root))
    if agencies:
        slugs = [s for s in agencies if s in scope and agencies[s].active(year)]  # the office's own order
        unregistered = tuple(sorted(s for (y, s) in loaded if y == year and s not in agencies)) if not parent else ()
    else:
        slugs = sorted(s for (y, s) in loaded if y == year)
        unregistered = ()
    if not slugs:
        raise RegionError(_("no agency must report for {year} in {path} under {parent}").format(
            year=year, path=root, parent=parent) if parent else _("no agency must report for {year} in {path}").format(
            year=year, path=root))

    members = []
    for slug in slugs:
        entry = agencies.get(slug)
        ay, err, path = loaded.get((year, slug), (None, None, None))  # type: ignore[assignment]
        deadline: Deadline = deadline_for(_subject(entry, ay), year, rules)
        state = filing(slug, entry.name if entry else (ay.agency if ay else slug), deadline,
                       filed=path is not None, published=ay.published if ay else None, today=today,
                       valid=ay is not None)
        findings: tuple[Finding, ...] = ()
        if ay is not None:
            prev = loaded.get((year - 1, slug), (None, None, None))[0]
            findings = tuple(run_checks(ay, prev))
        members.append(Member(slug, state.name, entry, ay, path, err, state, findings))
    return Region(year, name, parent, tuple(members), {y: tuple(v) for y, v in history.items()}, today,
                  digest.hexdigest(), unregistered, tuple(notes))
