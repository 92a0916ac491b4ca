"""The typed model of one agency-year, derived from an official format.

``schema_for(fmt)`` builds the pydantic model that validates a params document for that format
(every row and column of tables 二/三/四 present, nothing else); ``AgencyYear`` is the validated,
immutable value the rest of report-kit works with. A blank cell is ``None`` and stays distinct
from ``0`` everywhere.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictInt, create_model, field_validator
from pydantic_core import PydanticCustomError

from report_kit.formats import PARAMS_KEYS, Column, Format, Table, available, get_format

Number = int | Decimal
Cells = Mapping[str, Mapping[str, Number | None]]

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Largest figure accepted in a cell: far above any real report, small enough for exact arithmetic
# in spreadsheets and JavaScript, so a stray digit run is caught as an error.
MAX_FIGURE = 10**12

Body = Literal["department", "government"]
Level = Literal["national", "provincial", "prefecture", "county", "township"]

_COUNT = Annotated[StrictInt, Field(ge=0, le=MAX_FIGURE)]
_DELTA = Annotated[StrictInt, Field(ge=-MAX_FIGURE, le=MAX_FIGURE)]
_AMOUNT = Annotated[Decimal, Field(ge=0, le=MAX_FIGURE, allow_inf_nan=False)]


def _amount(v: Any) -> Any:
    # YAML gives ints and floats; strings and booleans are not amounts.
    if isinstance(v, (bool, str)):
        raise PydanticCustomError("amount_text", "must be a number (金额), not text")
    if isinstance(v, float):
        return Decimal(repr(v))
    return v


_FIELD_TYPES: dict[str, Any] = {"count": _COUNT, "delta": _DELTA, "amount": _AMOUNT}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _row_model(table: Table, row_key: str, name: str) -> type[BaseModel]:
    fields: dict[str, Any] = {}
    validators: dict[str, Any] = {}
    for i, col in enumerate(table.columns_of(row_key)):
        fields[f"c{i}"] = (_FIELD_TYPES[col.kind] | None, Field(alias=col.key))
        if col.kind == "amount":
            validators[f"v{i}"] = field_validator(f"c{i}", mode="before")(_amount)
    return create_model(name, __base__=_Strict, __validators__=validators, **fields)


def _table_model(fmt: Format, table_id: str) -> type[BaseModel]:
    table = fmt.table(table_id)
    fields = {
        f"r{i}": (_row_model(table, key, f"T{table_id}R{i}_{fmt.id}"), Field(alias=key))
        for i, (key, _) in enumerate(table.figure_rows())
    }
    return create_model(f"Table{table_id}_{fmt.id}", __base__=_Strict, **fields)


class CatalogueEntry(_Strict):
    """One 目录 of the portal with the number of items published in it this year."""

    目录: str
    条数: Annotated[StrictInt, Field(ge=0, le=MAX_FIGURE)] | None


class Fee(_Strict):
    """信息处理费 charged for applications this year (2021 format, 六)."""

    charged: bool | None = None
    amount: _AMOUNT | None = None  # 万元 is not used: fees are stated in 元

    _v = field_validator("amount", mode="before")(_amount)


class Facts(_Strict):
    catalogue: list[CatalogueEntry] | None = None
    fee: Fee | None = None


def _texts_model(fmt: Format) -> type[BaseModel]:
    """``text:``: one optional text per section the analyst writes (the form's ``analyst: true``)."""
    fields: dict[str, Any] = {f"s{i}": (str | None, Field(None, alias=key)) for i, key in enumerate(fmt.text_keys)}
    return create_model(f"Texts_{fmt.id}", __base__=_Strict, **fields)


def _narrative_model(fmt: Format) -> type[BaseModel]:
    """``narrative:``, per section: true = generated sentences (default), false = none, text = use this text."""
    fields: dict[str, Any] = {f"s{i}": (bool | str, Field(True, alias=s.key)) for i, s in enumerate(fmt.sections)}
    return create_model(f"NarrativeOptions_{fmt.id}", __base__=_Strict, **fields)


class _Meta(_Strict):
    agency: Annotated[str, Field(min_length=1, max_length=200)]
    short_name: Annotated[str, Field(max_length=100)] | None = None
    slug: str
    year: Annotated[StrictInt, Field(ge=2008, le=2100)]
    format: str
    body: Body = "department"
    level: Level | None = None
    published: date | None = None
    dated: date | None = None  # 成文日期 in the 落款; the portal's ``published`` date never changes a signed report
    # text and narrative hold one field per section of the form: ``_schema`` replaces these placeholders
    # (in place, so validation messages keep the order of a params file)
    text: Any = None
    facts: Facts = Facts()
    narrative: Any = None
    acknowledged: dict[str, str] = {}

    @field_validator("format")
    @classmethod
    def _format(cls, v: str) -> str:
        if v not in available():
            raise PydanticCustomError("format_unknown", "must be one of {choices} (the official format's year)",
                                      {"choices": ", ".join(available())})
        return v

    @field_validator("slug")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not isinstance(v, str) or not SLUG_RE.fullmatch(v) or len(v) > 80:
            raise PydanticCustomError("slug_invalid", "must be lowercase letters, digits and single hyphens (it "
                                      "becomes a folder name), e.g. 'zhuzhou-county-kgxj'")
        return v


def schema_for(format_id: str) -> type[BaseModel]:
    """The pydantic model of a whole params document in this format."""
    return _schema(get_format(format_id))


@cache
def _schema(fmt: Format) -> type[BaseModel]:
    texts, narrative = _texts_model(fmt), _narrative_model(fmt)
    tables: dict[str, Any] = {t.params_key: (_table_model(fmt, tid), ...) for tid, t in fmt.tables.items()}
    return create_model(
        f"Params_{fmt.id}",
        __base__=_Meta,
        text=(texts, texts()),
        narrative=(narrative, narrative()),
        **tables,
    )


TABLE_KEYS = PARAMS_KEYS  # table id → its mapping in a params file (二 → table2)


@dataclass(frozen=True)
class AgencyYear:
    """One agency's figures and texts for one report year, validated against its format."""

    fmt: Format
    agency: str
    slug: str
    year: int
    tables: Mapping[str, Cells]  # 二/三/四 → row key → column key → value (None = blank)
    short_name: str | None = None
    body: Body = "department"
    level: Level | None = None
    published: date | None = None
    dated: date | None = None  # 成文日期 (the 落款's date); falls back to ``published``, see ``signed_on``
    text: Mapping[str, str | None] = field(default_factory=dict)
    catalogue: tuple[tuple[str, int | None], ...] | None = None
    fee_charged: bool | None = None
    fee_amount: Decimal | None = None
    narrative: Mapping[str, bool | str] = field(default_factory=dict)
    acknowledged: Mapping[str, str] = field(default_factory=dict)
    source: str | None = None  # the params file it came from, for messages
    # fields guessed rather than read (e.g. body/level from the agency's name on import): field name → one-line
    # reason; findings that rest on an inferred field are warnings, never errors
    inferred: Mapping[str, str] = field(default_factory=dict)

    def get(self, table: str, row: str, col: str) -> Number | None:
        return self.tables[table][row][col]

    def t3(self, row: str, col: str | None = None) -> int | None:
        """A figure of table 三; without ``col``, the row's 总计."""
        key = col if col is not None else self.fmt.table("三").total_column.key  # type: ignore[union-attr]
        return self.tables["三"][row][key]  # type: ignore[return-value]

    @property
    def title(self) -> str:
        return self.fmt.title.format(agency=self.agency, year=self.year)

    @property
    def signed_on(self) -> date | None:
        """The 成文日期 of the 落款: ``dated``, else ``published`` when only that is set."""
        return self.dated or self.published

    @property
    def display_name(self) -> str:
        return self.short_name or self.agency


def from_document(doc: BaseModel, source: str | None = None) -> AgencyYear:
    """Turn a validated params document into an AgencyYear."""
    fmt = get_format(doc.format)  # type: ignore[attr-defined]
    data = doc.model_dump(by_alias=True)
    tables = {tid: data[key] for tid, key in TABLE_KEYS.items()}
    facts = data["facts"]
    catalogue = (
        tuple((e["目录"], e["条数"]) for e in facts["catalogue"])
        if facts.get("catalogue") is not None else None
    )
    fee = facts.get("fee") or {}
    return AgencyYear(
        fmt=fmt, agency=data["agency"], slug=data["slug"], year=data["year"], tables=tables,
        short_name=data["short_name"], body=data["body"], level=data["level"],
        published=data["published"], dated=data["dated"], text=data["text"], catalogue=catalogue,
        fee_charged=fee.get("charged"), fee_amount=fee.get("amount"),
        narrative=data["narrative"], acknowledged=data["acknowledged"], source=source,
    )


def blank_tables(fmt: Format) -> dict[str, dict[str, dict[str, Number | None]]]:
    """Every cell of the format, all blank: the scaffold's starting point."""
    out: dict[str, dict[str, dict[str, Number | None]]] = {}
    for tid, row, col in fmt.cells():
        out.setdefault(tid, {}).setdefault(row.key or "", {})[col.key] = None  # cells(): figure rows only
    return out


def column_kind(fmt: Format, table: str, row: str, col: str) -> Column:
    return fmt.table(table).column(row, col)
