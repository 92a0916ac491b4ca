"""Sign-offs before release (《条例》第十七条 保密审查, then 签发), bound to what was signed.

``approvals/<year>/<slug>.yaml`` (outside ``params/``: no params discovery reads it) keeps every sign-off with
who, when, which step and the SHA-256 of the params file and of each released file (report.html and the
formats built with it; never review.html or report.ipynb, whose build record changes on every build). A
sign-off counts only while those digests still match: editing a figure after approval makes it stale. The
portal releases made by ``publish`` are recorded in the same file, apart from the sign-offs.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from report_kit import params as params_io
from report_kit.errors import ApprovalError, ParamsError
from report_kit.files import atomic_write_text
from report_kit.i18n import _

DEFAULT_STEPS = ("保密审查", "签发")
RELEASED = ("report.html", "report.pdf", "report.docx")  # what the portal gets, in this order
STEPS_FILE = "steps.yaml"


class Signoff(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    step: str
    by: str = Field(min_length=1)
    at: str  # ISO 8601 with the UTC offset
    note: str | None = None
    params_sha256: str
    content: dict[str, str]  # released file name → SHA-256


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    number: int
    date: str  # the portal publication date (YYYY-MM-DD), not the report's 成文日期
    to: str
    params_sha256: str
    content: dict[str, str]
    files: list[str]  # names in the portal folder
    correction: bool = False
    changes: list[str] = []  # the 更正说明's lines, for a correction
    notice: str | None = None  # the 更正说明 page in the portal folder
    kept: list[str] = []  # the previous release's files, kept beside it under their 原文 names


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agency: str
    slug: str
    year: int
    signoffs: list[Signoff] = []
    releases: list[Release] = []


def record_path(approvals: Path, year: int, slug: str) -> Path:
    return approvals / str(year) / f"{slug}.yaml"


def archive_dir(approvals: Path, year: int, slug: str, number: int) -> Path:
    """Where release ``number``'s files and notebook are kept, for corrections and their 更正说明."""
    return approvals / str(year) / f"{slug}.releases" / str(number)


def load_steps(approvals: Path) -> tuple[str, ...]:
    """The sign-off steps in order: ``approvals/steps.yaml`` (``steps: [保密审查, 签发]``), else the default."""
    path = approvals / STEPS_FILE
    if not path.is_file():
        return DEFAULT_STEPS
    doc = params_io._plain(params_io.parse_yaml(params_io.read_text(path), str(path)))
    steps = doc.get("steps") if isinstance(doc, dict) else None
    if not (isinstance(steps, list) and steps and all(isinstance(s, str) and s.strip() for s in steps)
            and len(set(steps)) == len(steps)):
        raise ApprovalError(_("{path}: steps: must be a list of distinct step names, e.g. [保密审查, 签发]").format(
            path=path))
    return tuple(s.strip() for s in steps)


def load_record(path: Path) -> Record | None:
    if not path.is_file():
        return None
    try:
        doc = params_io.parse_yaml(params_io.read_text(path), str(path))
        return Record.model_validate(params_io._plain(doc))
    except ParamsError as exc:
        raise ApprovalError(_("{path}: unreadable approvals file: {why}").format(
            path=path, why=exc.problems[0].message)) from None
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        where = ".".join(map(str, err["loc"]))
        raise ApprovalError(_("{path}: {field}: {why} (approvals files are written by report-kit approve)").format(
            path=path, field=where, why=_(params_io.MESSAGES.get(err["type"], params_io.GENERIC)).format(
                value=repr(err.get("input")), limit="", choices="", kind=err["type"]))) from None


def save_record(path: Path, record: Record) -> None:
    import yaml

    head = (f"# Sign-offs and portal releases of {record.agency} {record.year} (report-kit approve / publish).\n"
            "# Each sign-off holds the SHA-256 of the params and of the released files it approved.\n")
    body = yaml.safe_dump(record.model_dump(), allow_unicode=True, sort_keys=False, width=120)
    atomic_write_text(path, head + body)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass(frozen=True)
class Build:
    """What a build folder holds now: the params digest it was built from and its released files' digests."""

    folder: Path
    params_sha256: str | None
    content: dict[str, str] = field(default_factory=dict)
    leftovers: tuple[str, ...] = ()  # released formats older than report.html: left by an earlier build

    @property
    def exists(self) -> bool:
        return "report.html" in self.content


def read_build(folder: Path) -> Build:
    params_sha = None
    try:
        meta = json.loads((folder / "report.ipynb").read_text("utf-8")).get("metadata", {})
        params_sha = meta.get("report_kit", {}).get("params_sha256")
    except (OSError, ValueError):
        pass
    content = {name: sha256(folder / name) for name in RELEASED if (folder / name).is_file()}
    leftovers: tuple[str, ...] = ()
    if "report.html" in content:
        html_time = (folder / "report.html").stat().st_mtime_ns
        leftovers = tuple(n for n in content if n != "report.html" and (folder / n).stat().st_mtime_ns < html_time)
    return Build(folder, params_sha, content, leftovers)


def valid_signoffs(record: Record | None, params_sha: str, content: Mapping[str, str],
                   steps: Sequence[str]) -> dict[str, Signoff]:
    """step → the latest sign-off of it that matches the current digests."""
    out: dict[str, Signoff] = {}
    for s in record.signoffs if record else ():
        if s.step in steps and s.params_sha256 == params_sha and s.content == dict(content):
            out[s.step] = s
    return out


def stale_signoffs(record: Record | None, params_sha: str, content: Mapping[str, str]) -> list[tuple[Signoff, str]]:
    """The latest sign-off of each step that no longer matches, with what changed since."""
    latest: dict[str, Signoff] = {}
    for s in record.signoffs if record else ():
        latest[s.step] = s
    out = []
    for s in latest.values():
        if s.params_sha256 != params_sha:
            out.append((s, _("params file edited")))
        elif s.content != dict(content):
            changed = sorted(set(s.content) ^ set(content) | {k for k in s.content if content.get(k) != s.content[k]})
            out.append((s, _("{files} changed").format(files=", ".join(changed))))
    return out


def now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def sign(record: Record, step: str, by: str, note: str | None, params_sha: str, content: Mapping[str, str],
         steps: Sequence[str], at: str | None = None) -> Signoff:
    """Append a sign-off of ``step``; refused out of order or twice for the same content."""
    if step not in steps:
        raise ApprovalError(_("--step {step}: not one of the sign-off steps {steps}").format(
            step=step, steps=", ".join(steps)))
    valid = valid_signoffs(record, params_sha, content, steps)
    if step in valid:
        s = valid[step]
        raise ApprovalError(_("{slug} {year}: {step} already signed by {by} at {at} for this content").format(
            slug=record.slug, year=record.year, step=step, by=s.by, at=s.at))
    missing = [s for s in steps[: steps.index(step)] if s not in valid]
    if missing:
        raise ApprovalError(_("{slug} {year}: {step} needs {steps} first (for the current params and build)").format(
            slug=record.slug, year=record.year, step=step, steps=", ".join(missing)))
    by = by.strip()
    if not by or any(ord(c) < 32 for c in by):
        raise ApprovalError(_("--by: the name of the person signing, e.g. --by 张三"))
    signoff = Signoff(step=step, by=by, at=at or now(), note=note or None, params_sha256=params_sha,
                      content=dict(content))
    record.signoffs.append(signoff)
    return signoff


def next_step(record: Record | None, params_sha: str, content: Mapping[str, str], steps: Sequence[str]) -> str | None:
    valid = valid_signoffs(record, params_sha, content, steps)
    return next((s for s in steps if s not in valid), None)
