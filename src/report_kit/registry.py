"""The agency registry ``params/agencies.yaml``: who must report, from which year to which, under which name.

Agencies are renamed in 机构改革: ``name`` is the current name and ``former_names`` the earlier ones, each with
the last report year it was used for, e.g. ``former_names: [{name: 株洲县经济科技信息化局, until: 2021}]``.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from report_kit import params as params_io
from report_kit.deadlines import LocalRule, MonthDay
from report_kit.errors import ParamsError, Problem
from report_kit.i18n import _
from report_kit.model import SLUG_RE, Level

LABELS = {"slug": "目录名", "name": "机关名称", "short_name": "简称", "parent": "上级/地区", "first_year": "起始年度",
          "last_year": "终止年度", "body": "机关类型", "level": "行政层级", "deadline": "公布期限",
          "deadline_basis": "期限依据", "deadlines": "本地公布期限规定", "due": "公布期限", "basis": "期限依据",
          "former_names": "曾用名", "until": "使用至年度"}

# What kind of body an agency is: it decides the publication deadline (deadlines.py, 《条例》第四十九条).
RegistryBody = Literal["department", "government", "subdistrict", "other"]


def _month_day(v: str | None) -> str | None:
    if v is None:
        return None
    if not isinstance(v, str):
        raise ValueError(_("must be a month and day of the following year written MM-DD in quotes, e.g. '01-31'; "
                           "got {value}").format(value=repr(v)))
    return str(MonthDay.parse(v))


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
    body: RegistryBody | None = None  # department 部门 / government 人民政府 / subdistrict 街道办事处 / other
    level: Level | None = None
    deadline: str | None = None  # MM-DD of the following year: this agency's own (stricter) deadline
    deadline_basis: str | None = None  # the local document that sets it

    _deadline = field_validator("deadline", mode="before")(_month_day)
    former_names: tuple[FormerName, ...] = ()

    @field_validator("former_names")
    @classmethod
    def _periods(cls, v: tuple[FormerName, ...]) -> tuple[FormerName, ...]:
        years = [f.until for f in v]
        if len(set(years)) != len(years):
            raise ValueError(_("two former names end in the same year"))
        return tuple(sorted(v, key=lambda f: f.until))

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not SLUG_RE.fullmatch(v):
            raise ValueError(_("must be lowercase letters, digits and single hyphens"))
        return v

    def active(self, year: int) -> bool:
        return self.first_year <= year and (self.last_year is None or year <= self.last_year)

    def name_for(self, year: int) -> str:
        """The agency's name in ``year``: the first former name still in use then, else the current one."""
        return next((f.name for f in self.former_names if year <= f.until), self.name)


class _Rule(BaseModel):
    """A local deadline for a kind of body, e.g. ``{body: government, level: township, due: '02-28', basis: …}``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    body: RegistryBody
    level: Level | None = None
    due: str
    basis: str = Field(min_length=1)

    _due = field_validator("due", mode="before")(_month_day)

    def rule(self) -> LocalRule:
        return LocalRule(self.body, MonthDay.parse(self.due), self.basis, self.level)


class _Registry(BaseModel):
    model_config = ConfigDict(extra="forbid")
    agencies: list[Agency]
    deadlines: list[_Rule] = []


_MODELS: dict[str, type[BaseModel]] = {"agencies": Agency, "deadlines": _Rule, "former_names": FormerName}


def _message(err: Any) -> str:
    """Our message for one pydantic error, in the user's language (pydantic's English is never shown): our own
    validators' text, else the params file's message for the same error type."""
    kind, loc = err["type"], tuple(err["loc"])
    if kind == "value_error":  # raised by our validators above (MonthDay.parse too), already translated
        return str(err["ctx"]["error"]) if "error" in (err.get("ctx") or {}) else str(err["msg"])
    if kind == "extra_forbidden":
        owner = next((_MODELS[str(k)] for k in reversed(loc[:-1]) if str(k) in _MODELS), _Registry)
        close = difflib.get_close_matches(str(loc[-1]), list(owner.model_fields), n=1, cutoff=0.5)
        return _("unknown key; did you mean {key!r}?").format(key=close[0]) if close else _("unknown key")
    value = err.get("input")
    shown = _("a mapping") if isinstance(value, dict) else _("a list") if isinstance(value, list) else repr(value)
    ctx = err.get("ctx") or {}
    template = params_io.MESSAGES.get(params_io.SAME_AS.get(kind, kind), params_io.GENERIC)
    # the values to type, quoted as YAML takes them: 'department', 'government' …
    choices = ", ".join(f"'{c}'" for c in str(ctx.get("expected", "")).split("'")[1::2])
    return _(template).format(value=shown, limit=ctx.get("le", ctx.get("lt", ctx.get("max_length", ""))),
                              choices=choices, kind=kind)


def load_registry(path: Path) -> dict[str, Agency]:
    """slug → Agency; every problem reported at once with its line, like params files."""
    return load_registry_with_rules(path)[0]


def load_registry_with_rules(path: Path) -> tuple[dict[str, Agency], tuple[LocalRule, ...]]:
    """The agencies and the registry's local deadline rules (``deadlines:``)."""
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
                                    _message(err)))
        raise ParamsError(path, problems) from None
    out: dict[str, Agency] = {}
    for a in reg.agencies:
        if a.slug in out:
            raise ParamsError(path, [Problem(str(path), None, "slug", "目录名",
                                             _("{slug} is registered twice").format(slug=repr(a.slug)))])
        out[a.slug] = a
    return out, tuple(r.rule() for r in reg.deadlines)
