"""Same inputs, same published bytes: two builds of one tree give byte-identical report.html.

The second build differs in everything that must not matter: the params tree sits at another absolute
path, the outputs go to another folder, the hash seed, time zone and locale differ, one worker instead
of two changes the order agencies finish in, and its kernels start the other way (the first build forks
them from a pre-imported parent, the second spawns new interpreters; one order is enough, as the comparison
is symmetric). report.html, report.docx, the index pages and summary.csv must come out byte for byte the
same. The build metadata (params path, start, end and duration of the run) is allowed in review.html and
report.ipynb only: every line in which the two review pages differ carries it, and none of it appears in
the published files.
"""

from __future__ import annotations

import difflib
import json
import re
import shutil
from pathlib import Path

import pytest

from report_kit.batch._demo import demo_tree

from ._hardening import build, small_tree
from .fuzz_tally import count

pytestmark = pytest.mark.slow

PUBLISHED = ("report.html", "report.docx", "index.html", "summary.csv")
TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}")


def _tree(params: Path) -> None:
    """The bundled real params under new slugs plus a synthetic two-year tree with its deliberate defects."""
    small_tree(params)
    ours = (params / "agencies.yaml").read_text("utf-8").splitlines()[1:]
    demo_tree(params, agencies=6, years=[2023, 2024])
    registry = params / "agencies.yaml"
    registry.write_text(registry.read_text("utf-8") + "\n".join(ours) + "\n", encoding="utf-8")


def _files(out: Path) -> dict[str, Path]:
    return {str(p.relative_to(out)): p for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".build.lock"}


def _metadata(notebook: Path) -> list[str]:
    """What the review page may carry and report.html must not: this run's paths, times and duration."""
    pm = json.loads(notebook.read_text("utf-8"))["metadata"]["papermill"]
    params = pm["parameters"]
    values = [params["params_path"], params["previous_path"], pm["start_time"], pm["end_time"],
              f"{pm['duration']:.2f} 秒"]
    return [v for v in values if v]


def _carries(line: str, values: list[str]) -> bool:
    """``line`` shows one of ``values``, whole or cut short with … as pandas does in the run table."""
    if any(v in line for v in values):
        return True
    cut = re.search(r">([^<>]{8,})\.\.\.<", line)
    return cut is not None and any(v.startswith(cut.group(1)) for v in values)


# the two builds start their kernels in different ways too
ROUTES = [pytest.param(("fork", "spawn"), id="fork-then-spawn")]


@pytest.fixture(scope="module", params=ROUTES)
def two_builds(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    start_a, start_b = request.param
    root = tmp_path_factory.mktemp("determinism")
    _tree(root / "a" / "params")
    shutil.copytree(root / "a" / "params", root / "b" / "elsewhere" / "params")
    first = build(root / "a", "--jobs", "2", "--to", "docx", "--outputs", "out", "--kernel-start", start_a,
                  tag="rk-determinism-a", PYTHONHASHSEED="0", TZ="UTC", LC_ALL="C.UTF-8")
    assert first.returncode == 0, first.stderr
    second = build(root / "b", "--params", "elsewhere/params", "--jobs", "1", "--to", "docx", "--outputs",
                   "../out-b/deeper", "--kernel-start", start_b, tag="rk-determinism-b", PYTHONHASHSEED="4242",
                   TZ="Asia/Shanghai", LC_ALL="en_US.UTF-8")
    assert second.returncode == 0, second.stderr
    assert "15 built" in first.stdout and "15 built" in second.stdout
    return root, root / "a" / "out", root / "out-b" / "deeper"


def test_published_files_are_byte_identical(two_builds: tuple[Path, Path, Path]) -> None:
    _, a, b = two_builds
    fa, fb = _files(a), _files(b)
    assert sorted(fa) == sorted(fb)
    published = [rel for rel in fa if Path(rel).name in PUBLISHED]
    assert sum(rel.endswith("report.html") for rel in published) == 15
    different = []
    for rel in published:
        same = fa[rel].read_bytes() == fb[rel].read_bytes()
        if rel.endswith("report.html"):
            count("build twice: report.html", "valid" if same else "nondeterministic")
        if not same:
            diff = difflib.unified_diff(fa[rel].read_text("utf-8", errors="replace").splitlines(),
                                        fb[rel].read_text("utf-8", errors="replace").splitlines(), lineterm="", n=0)
            different.append(f"{rel}:\n" + "\n".join(list(diff)[2:12]))
    assert not different, "\n\n".join(different)


def test_build_metadata_lives_only_in_the_review_view(two_builds: tuple[Path, Path, Path]) -> None:
    root, a, b = two_builds
    fa, fb = _files(a), _files(b)
    notebooks = [rel for rel in fa if rel.endswith("report.ipynb")]
    assert len(notebooks) == 15
    meta = {rel: (_metadata(fa[rel]), _metadata(fb[rel])) for rel in notebooks}
    leaks = []
    for rel, path in [*fa.items(), *fb.items()]:
        if Path(rel).name not in ("report.html", "index.html", "summary.csv"):
            continue
        text = path.read_text("utf-8-sig")
        found = [v for ma, mb in meta.values() for v in (*ma, *mb) if v in text]
        found += TIMESTAMP.findall(text) + ([str(root)] if str(root) in text else [])
        leaks += [f"{path}: {v}" for v in found]
    assert not leaks, "build metadata in a published file:\n" + "\n".join(leaks)
    for rel, (ma, mb) in meta.items():
        review = str(Path(rel).with_name("review.html"))
        la, lb = fa[review].read_text("utf-8").splitlines(), fb[review].read_text("utf-8").splitlines()
        assert all(v in fa[review].read_text("utf-8") for v in ma)  # the review page does show the record
        assert len(la) == len(lb), f"{review}: the two review pages differ in more than the build record"
        changed = [(x, y) for x, y in zip(la, lb, strict=True) if x != y]
        assert changed, f"{review}: two runs with different paths and times gave the same review page"
        stray = [(x, y) for x, y in changed if not (_carries(x, ma) and _carries(y, mb))]
        assert not stray, f"{review}: lines that differ without build metadata: {stray[:3]}"
