"""The agency registry ``params/agencies.yaml``: who must report, from which year to which."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from report_kit import params as params_io
from report_kit.errors import ParamsError, Problem
from report_kit.model import SLUG_RE

LABELS = {"slug": "目录名", "name": "机关名称", "short_name": "简称", "parent": "上级/地区", "first_year": "起始年度",
          "last_year": "终止年度"}


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str
    name: str = Field(min_length=1)
    short_name: str | None = None
    parent: str | None = None  # region or supervising body, for grouping on the index page
    first_year: int = 2008
    last_year: int | None = None

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError("must be lowercase letters, digits and single hyphens")
        return v

    def active(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agencies: list[Agency]


def load_registry(path: Path) -> dict[str, Agency]:
    """slug → Agency; every problem reported at once with its line, like params files."""
    text = params_io.read_text(path)
    doc = params_io.parse_yaml(text, str(path))
    controls = params_io.control_problems(doc, str(path), lambda loc: (".".join(map(str, loc)),
                                                                      LABELS.get(str(loc[-1]))))
    if controls:
        raise ParamsError(path, controls)
    try:
        reg = _Registry.model_validate(params_io._plain(doc))
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            label = LABELS.get(str(loc[-1])) if loc else None
            problems.append(Problem(str(path), params_io._line_of(doc, loc), ".".join(map(str, loc)), label,
                                    str(err["msg"]).removeprefix("Value error, ")))
        raise ParamsError(path, problems) from None
    out: dict[str, Agency] = {}
    for a in reg.agencies:
        if a.slug in out:
            raise ParamsError(path, [Problem(str(path), None, "slug", "目录名", f"{a.slug!r} is registered twice")])
        out[a.slug] = a
    return out
