"""Who a params file claims to be, and whether its place and the registry agree: the path decides nothing silently.

- A file in a year folder must say that year and be named after its slug (``params/2024/x.yaml``: ``year: 2024``,
  ``slug: x``). Files get copied; a mismatch is an error, never a silent rename or a write to another folder.
- Two files claiming one agency-year are both refused, each message naming the other file.
- With a registry, the params' agency name must be the registry's name for that year (``Agency.name_for``).

``scan`` applies all of it to a set of files and is what `check`, `run` and `build` use.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from report_kit import discovery
from report_kit import params as params_io
from report_kit._readers import why_unreadable
from report_kit.errors import IdentityError, ParamsError, Problem, ReportKitError
from report_kit.i18n import _
from report_kit.model import AgencyYear
from report_kit.registry import Agency


@dataclass(frozen=True)
class Entry:
    """One params file: what it says (``ay``) or why it cannot be used (``error``)."""

    path: Path
    ay: AgencyYear | None
    error: ReportKitError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.ay is not None


def _line(path: Path, key: str) -> int | None:
    """Line of a top-level ``key:`` in the file (for messages only; the value was read by the real parser)."""
    try:
        lines = params_io.read_text(path).splitlines()
    except ReportKitError:
        return None
    return next((i for i, ln in enumerate(lines, 1) if ln.startswith(f"{key}:")), None)


def place_problems(path: Path, ay: AgencyYear) -> list[Problem]:
    """A file in a year folder that says another year, or is named after another slug."""
    problems = []
    folder_year = discovery.year_of_folder(path)
    if folder_year is None:
        return problems
    if ay.year != folder_year:
        problems.append(Problem(str(path), _line(path, "year"), "year", params_io.META_LABELS["year"],
                                _("the file is in the {folder} folder but says year {year}; move it to {target}/ or "
                                  "correct the year").format(folder=folder_year, year=ay.year,
                                                             target=path.parent.parent / str(ay.year))))
    if ay.slug != path.stem:
        problems.append(Problem(str(path), _line(path, "slug"), "slug", params_io.META_LABELS["slug"],
                                _("the file is named {name} but says slug {slug}; rename it to {target} or correct "
                                  "the slug").format(name=path.name, slug=repr(ay.slug), target=f"{ay.slug}.yaml")))
    return problems


def name_problem(path: Path, ay: AgencyYear, registry: Mapping[str, Agency], registry_file: Path | str) -> \
        Problem | None:
    """The params' agency name against the registry's name for that year (None when they agree or unregistered)."""
    agency = registry.get(ay.slug)
    if agency is None:
        return None
    expected = agency.name_for(ay.year)
    if ay.agency == expected:
        return None
    return Problem(str(path), _line(path, "agency"), "agency", params_io.META_LABELS["agency"],
                   _("{agency} is not the name {registry} gives {slug} for {year}, {expected}; correct one of them "
                     "(a renamed agency keeps its old name in former_names)").format(
                       agency=repr(ay.agency), registry=registry_file, slug=repr(ay.slug), year=ay.year,
                       expected=repr(expected)))


def check(path: Path, ay: AgencyYear, registry: Mapping[str, Agency] | None = None,
          registry_file: Path | str = discovery.REGISTRY) -> None:
    """Raise IdentityError when the file's place or the registry disagrees with what it says."""
    problems = place_problems(path, ay)
    if registry is not None and ay.slug not in registry:
        problems.append(Problem(str(path), _line(path, "slug"), "slug", params_io.META_LABELS["slug"],
                                _("{slug} is not in the agency registry {registry}; add it there").format(
                                    slug=repr(ay.slug), registry=registry_file)))
    elif registry is not None and (p := name_problem(path, ay, registry, registry_file)):
        problems.append(p)
    if problems:
        raise IdentityError(path, problems)


def load(path: str | Path, registry: Mapping[str, Agency] | None = None,
         registry_file: Path | str = discovery.REGISTRY, expected_sha256: str | None = None) -> AgencyYear:
    """``params.load`` plus the identity checks of one file."""
    p = Path(path)
    ay = params_io.load(p, expected_sha256)
    check(p, ay, registry, registry_file)
    return ay


def scan(paths: Sequence[Path], registry: Mapping[str, Agency] | None = None,
         registry_file: Path | str = discovery.REGISTRY,
         load: Callable[[Path], AgencyYear] | None = None) -> list[Entry]:
    """Every file loaded and checked, then files claiming the same agency-year all refused (naming each other).

    ``load`` reads one file (default ``params.load``; `check` passes one that takes what its workers read)."""
    entries: list[Entry] = []
    for path in paths:
        try:
            ay = (load or params_io.load)(path)
        except ReportKitError as exc:
            entries.append(Entry(path, None, exc))
            continue
        except OSError as exc:  # unreadable, vanished, a folder named x.yaml: this file fails, not the batch
            problem = Problem(str(path), None, "", None, _("cannot read: {error}").format(error=why_unreadable(exc)))
            entries.append(Entry(path, None, ParamsError(path, [problem])))
            continue
        try:
            check(path, ay, registry, registry_file)
        except ParamsError as exc:
            entries.append(Entry(path, ay, exc))
            continue
        entries.append(Entry(path, ay))
    claims: dict[tuple[int, str], list[int]] = defaultdict(list)
    for i, e in enumerate(entries):
        # a loose file (not in a year folder) belongs to no tree, so it competes with nothing
        if e.ay is not None and discovery.year_of_folder(e.path) is not None:
            claims[(e.ay.year, e.ay.slug)].append(i)
    for (year, slug), idx in claims.items():
        if len(idx) < 2:
            continue
        for i in idx:
            e = entries[i]
            others = ", ".join(str(entries[j].path) for j in idx if j != i)
            dup = Problem(str(e.path), None, "year/slug", f"{params_io.META_LABELS['year']}/"
                          f"{params_io.META_LABELS['slug']}",
                          _("{others} also claims {year}/{slug}; an agency-year has one params file: remove or "
                            "correct the wrong one (both are refused until then)").format(others=others, year=year,
                                                                                          slug=slug))
            before = e.error.problems if isinstance(e.error, ParamsError) else []
            entries[i] = Entry(e.path, e.ay, IdentityError(e.path, [*before, dup]))
    return entries


def siblings(path: Path) -> list[Path]:
    """Every params file of the tree ``path`` belongs to (itself alone when it is not in a year folder)."""
    root = discovery.params_root(path)
    if root is None:
        return [path]
    tree = discovery.discover([root])
    return tree if any(p.resolve() == path.resolve() for p in tree) else [path, *tree]
