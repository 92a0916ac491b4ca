"""The agency registry ``params/agencies.yaml``: who must report, from which year to which, under which name.

Agencies are renamed in 机构改革: ``name`` is the current name and ``former_names`` the earlier ones, each with
the last report year it was used for, e.g. ``former_names: [{name: 株洲县经济科技信息化局, until: 2021}]``.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from report_kit import params as params_io
from report_kit.errors import ParamsError, Problem
from report_kit.model import SLUG_RE

LABELS = {"slug": "目录名", "name": "机关名称", "short_name": "简称", "parent": "上级/地区", "first_year": "起始年度",
          "last_year": "终止年度", "former_names": "曾用名", "until": "使用至年度"}


class FormerName(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    until: int  # the last report year published under this name


class Agency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    slug: str
    name: str = Field(min_length=1)
    short_name: str | None = None
    parent: str | None = None  # region or supervising body, for grouping on the index page
    first_year: int = 2008
    last_year: int | None = None
    former_names: tuple[FormerName, ...] = ()

    @field_validator("former_names")
    @classmethod
    def _periods(cls, v: tuple[FormerName, ...]) -> tuple[FormerName, ...]:
        years = [f.until for f in v]
        if len(set(years)) != len(years):
            raise ValueError("two former names end in the same year")
        return tuple(sorted(v, key=lambda f: f.until))

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError("must be lowercase letters, digits and single hyphens")
        return v

    def active(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def name_for(self, year: int) -> str:
        """The agency's name in ``year``: the first former name still in use then, else the current one."""
        return next((f.name for f in self.former_names if year <= f.until), self.name)


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agencies: list[Agency]


def load_registry(path: Path) -> dict[str, Agency]:
    """slug → Agency; every problem reported at once with its line, like params files."""
    text = params_io.read_text(path)
    doc = params_io.parse_yaml(text, str(path))
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
