"""The house has one direction: no module imports one above it in the flow, and no two rooms import each other.

The flow (README, "For whoever maintains the code"; ../shared/DESIGN.md):
formats → model → params → checks/narrative/render → export/notebook → pipeline → batch/importers → cli.
Every import counts, also those inside functions (lazy imports) and under ``TYPE_CHECKING``: a lazy import
still ties the lower module to the higher one. A new module must be given its place here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from .conftest import ROOT

SRC = ROOT / "src"
PACKAGE = "report_kit"

# Longest matching prefix decides a module's layer; modules of one layer may import each other (no cycles).
LAYERS: dict[str, int] = {
    # helpers every layer may use
    "report_kit.errors": 0, "report_kit.files": 0, "report_kit._fastyaml": 0, "report_kit._readers": 0,
    "report_kit._zipsafe": 0, "report_kit._terminal": 0, "report_kit.csvcells": 0,
    "report_kit.i18n": 0,  # the message catalogue: every layer speaks through it
    "report_kit.platform": 0, "report_kit._pidlock": 0,  # which OS routes exist; the portable lock
    # the official forms as data
    "report_kit.formats": 1,
    # one agency-year and what is derived from it
    "report_kit.model": 2, "report_kit.figures": 2, "report_kit.content": 2,
    # params files: read, validate, write, scaffold
    "report_kit.params": 3,
    # pure functions of an agency-year
    "report_kit.checks": 4, "report_kit.narrative": 4, "report_kit.render": 4,
    "report_kit": 4,  # the package itself re-exports load_params, run_checks, compose
    "report_kit.deadlines": 2,  # Article 49 and the registry's deadlines: a pure function of dates
    # output writers and the template notebook's helpers
    "report_kit.export": 5, "report_kit.notebook": 5,
    # starting, watching and sweeping kernel processes: below the pipeline, used by pipeline and batch
    "report_kit.kernels": 6,
    "report_kit.pipeline": 7,
    # many agencies; other ways in (published reports, workbooks)
    "report_kit.batch": 8, "report_kit.importers": 8, "report_kit.sheets": 8,
    # the office's roll-up (a second template notebook run by the pipeline) and its publishing gate
    "report_kit.region": 8, "report_kit.gate": 8,
    "report_kit.cli": 9, "report_kit.__main__": 9,
}

# Known upward imports, each to be removed: keep this list short and say who removes the entry.
ALLOWED: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted((SRC / PACKAGE).rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """(imported report_kit module, line) for every import in the file, at any depth."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if target.split(".")[0] != PACKAGE:
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno  # `from report_kit import figures`


def layer(module: str) -> int:
    match = max((prefix for prefix in LAYERS if module == prefix or module.startswith(prefix + ".")), key=len,
                default=None)
    assert match is not None, f"{module} has no place in tests/test_layers.py's LAYERS: give it one"
    return LAYERS[match]


def _room(module: str) -> str:
    """The top-level module or package under report_kit (checks, formats …); the package itself is ''."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _edges() -> list[tuple[str, str, int]]:
    modules = _modules()
    return [(name, target, line) for name, path in modules.items()
            for target, line in _imports(name, path, set(modules))]


def test_every_module_has_a_layer() -> None:
    for name in _modules():
        layer(name)


def test_no_module_imports_one_above_it() -> None:
    upward = [f"{src} (layer {layer(src)}) line {line} imports {dst} (layer {layer(dst)})"
              for src, dst, line in _edges() if layer(dst) > layer(src) and (src, dst) not in ALLOWED]
    assert upward == [], "\n".join(upward)


def test_allow_list_entries_are_still_needed() -> None:
    present = {(src, dst) for src, dst, _ in _edges()}
    stale = ALLOWED - present
    assert not stale, f"remove from ALLOWED: {stale}"


def test_no_two_rooms_import_each_other() -> None:
    graph: dict[str, set[str]] = {}
    for src, dst, _ in _edges():
        if (src, dst) in ALLOWED or _room(src) == _room(dst) or "" in (_room(src), _room(dst)):
            continue
        graph.setdefault(_room(src), set()).add(_room(dst))

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt}))
                   for nxt in graph.get(start, ()))

    cycles = sorted(room for room in graph if reaches(room, room, {room}))
    assert cycles == [], f"rooms in an import cycle: {cycles}"


def test_the_walk_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    """The checker itself: an import inside a function and a relative import are both found."""
    pkg = tmp_path / PACKAGE / "demo"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("from . import low\n", "utf-8")
    mod = pkg / "low.py"
    mod.write_text("def f():\n    from report_kit import cli\n    from ..formats import get_format\n", "utf-8")
    found = set(_imports("report_kit.demo.low", mod, {"report_kit.cli", "report_kit.formats"}))
    assert found == {("report_kit.cli", 2), ("report_kit.formats", 3)}
    assert set(_imports("report_kit.demo", pkg / "__init__.py", {"report_kit.demo.low"})) == {
        ("report_kit.demo.low", 1)}
