"""Figure-bearing sentences for each section, from the validated figures (pure functions).

Every sentence comes with the (figure name, value) pairs it states, so tests can prove that prose
and tables never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import astuple, dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined
from ruamel.yaml import YAML

from report_kit import figures
from report_kit.model import AgencyYear, Number
from report_kit.render.grid import format_number

BLANK = "未填报"


@dataclass
class Sentences:
    """Generated sentences for one section and the figures they state."""

    texts: list[str] = field(default_factory=list)
    stated: list[tuple[str, Number | None]] = field(default_factory=list)


def n(value: Number | None) -> str:
    """A figure as official reports write it; a blank is 未填报, never an empty slot."""
    return BLANK if value is None else format_number(value)


share = figures.percent  # the same share the checks compute

@cache
def _templates() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("phrases.yaml").read_text("utf-8")
    env = Environment(undefined=StrictUndefined, autoescape=False)  # plain text; render escapes later
    return {k: env.from_string(v) for k, v in YAML(typ="safe").load(text).items()}


UNIT_AFTER_BLANK = re.compile(f"{BLANK}(?:万元|件|条|项|个|元|起)")


def say(key: str, **values: Any) -> str:
    # "未填报件" reads wrong: a blank figure drops its measure word
    return UNIT_AFTER_BLANK.sub(BLANK, _templates()[key].render(n=n, **values))


# ------------------------------------------------------------------------------------------- 二

def active(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    out = Sentences()
    t = ay.fmt.table("二")
    if ay.catalogue:
        total_known = all(v is not None for _, v in ay.catalogue)
        total = sum(v or 0 for _, v in ay.catalogue) if total_known else None
        parts = "、".join(say("catalogue_part", name=name, value=v) for name, v in ay.catalogue)
        out.texts.append(say("catalogue", count=len(ay.catalogue), total=total, parts=parts))
        out.stated += [("公开目录信息总数", total), *((f"目录:{name}", v) for name, v in ay.catalogue)]
    for rk, row in t.figure_rows():

        def get(role: str, rk: str = rk) -> tuple[bool, Number | None]:
            col = t.column_by_role(rk, role)
            return (col is not None, ay.get("二", rk, col.key) if col else None)

        has_made, made = get("made")
        has_rep, rep = get("repealed")
        has_force, force = get("in_force")
        has_pub, pub = get("published")
        has_tot, tot = get("published_total")
        has_before, before = get("items_before")
        _, delta = get("items_delta")
        has_dec, dec = get("decisions")
        has_fee, fee = get("fee_amount")
        has_items, items = get("procurement_items")
        _, amount = get("procurement_amount")
        name = f"二:{rk}"
        if has_made and has_rep and has_force:
            key = "made_repealed_none" if made == 0 and rep == 0 else "made_repealed"
            out.texts.append(say(key, label=row.label, made=made, repealed=rep, in_force=force))
            out.stated += [(f"{name}:made", made), (f"{name}:repealed", rep), (f"{name}:in_force", force)] \
                if key == "made_repealed" else [(f"{name}:in_force", force)]
        elif has_made and has_pub and has_tot:
            out.texts.append(say("made_published", label=row.label, made=made, published=pub, total=tot))
            out.stated += [(f"{name}:made", made), (f"{name}:published", pub), (f"{name}:published_total", tot)]
        elif has_before:
            out.texts.append(say("items", label=row.label, before=before, delta=delta, has_decisions=has_dec,
                                 decisions=dec))
            out.stated += [(f"{name}:items_before", before), (f"{name}:items_delta", delta)]
            if has_dec:
                out.stated.append((f"{name}:decisions", dec))
        elif has_dec:
            key = "decisions_blank" if dec is None else "decisions_none" if dec == 0 else "decisions"
            out.texts.append(say(key, label=row.label, value=dec))
            if dec != 0:
                out.stated.append((f"{name}:decisions", dec))
        elif has_fee:
            out.texts.append(say("fee_amount_none" if fee == 0 else "fee_amount", value=fee))
            if fee != 0:
                out.stated.append((f"{name}:fee_amount", fee))
        elif has_items:
            out.texts.append(say("procurement", items=items, amount=amount))
            out.stated += [(f"{name}:procurement_items", items), (f"{name}:procurement_amount", amount)]
    return out


# ------------------------------------------------------------------------------------------- 三

def _yoy(what: str, now: int | None, before: int | None, year: int) -> str:
    if now is None or before is None:
        return ""
    diff = now - before
    if diff == 0:
        return say("yoy_same", year=year)
    if before == 0:
        return say("yoy_from_zero", year=year)
    key = "yoy_up" if diff > 0 else "yoy_down"
    return say(key, year=year, diff=abs(diff), pct=share(abs(diff), before))


def applications(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    out = Sentences()
    t = ay.fmt.table("三")
    new_key = t.key_of("new")
    new, carried, handled, carried_out = astuple(figures.applications(ay))
    if new == 0 and carried == 0:
        out.texts.append(say("apps_none"))
    else:
        mix_parts = []
        natural = t.columns[0]
        orgs = [c for c in t.columns if c.group]
        nat_v = ay.t3(new_key, natural.key)
        org_vals = [ay.t3(new_key, c.key) for c in orgs]
        org_v = None if None in org_vals else sum(org_vals)  # type: ignore[arg-type]
        if new:
            mix_parts = [say("apps_mix_part", label=natural.label, value=nat_v),
                         say("apps_mix_part", label=orgs[0].group, value=org_v)]
            out.stated += [("三:新收:自然人", nat_v), ("三:新收:法人或其他组织", org_v)]
        text = say("apps", new=new, carried=carried, mix="、".join(mix_parts))
        if previous is not None and previous.year == ay.year - 1:
            before = figures.applications(previous).new
            yoy = _yoy("新收", new, before, previous.year)
            if yoy:
                text = text.removesuffix("。") + "，新收申请" + yoy
                out.stated.append(("上年:三:新收", before))
                if new is not None and before is not None and new != before:
                    out.stated.append(("变化:三:新收", abs(new - before)))
        out.texts.append(text)
        out.stated += [("三:新收", new), ("三:上年结转", carried)]
    if handled:
        groups = [(label, v) for label, v in figures.outcome_groups(ay) if v]
        parts = "；".join(say("handled_part", label=label, value=v, share=share(v, handled)) for label, v in groups)
        out.texts.append(say("handled", handled=handled, parts=parts) if parts else
                         say("handled", handled=handled, parts=BLANK).replace("其中未填报", "各项办理结果未填报"))
        out.stated += [("三:办理结果总计", handled), *((f"三:{label}", v) for label, v in groups)]
    elif handled == 0 and (new or carried):
        out.texts.append(say("handled_none"))
    elif handled is None and (new or carried):
        out.texts.append(say("handled", handled=None, parts=BLANK).replace("其中未填报", "各项办理结果未填报"))
        out.stated.append(("三:办理结果总计", None))
    if new or carried:
        if carried_out == 0:
            out.texts.append(say("carried_out_none"))
        else:
            out.texts.append(say("carried_out", value=carried_out))
            out.stated.append(("三:结转下年度", carried_out))
    return out


# ------------------------------------------------------------------------------------------- 四

def reviews(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    out = Sentences()
    t = ay.fmt.table("四")
    parts_cols = [c for c in t.columns if not c.total]
    groups = figures.case_groups(ay)
    if all(v == 0 for _, v in groups):
        out.texts.append(say("cases_none"))
        return out
    for g, tv in groups:
        gk = g.key or ""  # table 四's groups all carry figures
        label = f"{g.role}（{g.label}）" if g.role else f"被申请{g.label}"
        if tv == 0:
            out.texts.append(say("group_none", label=label))
            out.stated.append((f"四:{gk}:总计", 0))
            continue
        vals = [(c.label, ay.get("四", gk, c.key)) for c in parts_cols]
        parts = "、".join(say("group_part", label=lab, value=v) for lab, v in vals if v != 0)
        out.texts.append(say("group", label=label, total=tv, parts=parts))
        out.stated += [(f"四:{gk}:总计", tv), *((f"四:{gk}:{lab}", v) for lab, v in vals if v != 0)]
    return out


# ------------------------------------------------------------------------------ requirements

def fee(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    """The 信息处理费 statement (requirement ``fee_statement``: 六 in the 2021 form), from params facts.fee."""
    out = Sentences()
    if ay.fee_charged is None:
        return out
    if ay.fee_charged:
        amount: Decimal | None = ay.fee_amount
        out.texts.append(say("fee_charged", amount=amount))
        out.stated.append(("六:信息处理费", amount))
    else:
        out.texts.append(say("fee_not_charged"))
    return out


Generator = Callable[[AgencyYear, AgencyYear | None], Sentences]
# The sentences of the section that shows a table, by table id; of a section with a requirement, by flag.
TABLE_SENTENCES: dict[str, Generator] = {"二": active, "三": applications, "四": reviews}
REQUIREMENT_SENTENCES: dict[str, Generator] = {"fee_statement": fee}
