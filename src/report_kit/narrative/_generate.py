"""Figure-bearing sentences for each section, from the validated figures (pure functions).

Every sentence comes with the (figure name, value) pairs it states, so tests can prove that prose
and tables never disagree.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
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


@dataclass(frozen=True)
class Sentence:
    """One generated sentence, the figures it states, and the fact it says when an analyst may say it too."""

    text: str
    stated: tuple[tuple[str, Number | None], ...] = ()
    fact: str | None = None  # see narrative._facts: dropped or merged when the analyst's text says it


@dataclass
class Sentences:
    """Generated sentences for one section and the figures they state."""

    items: list[Sentence] = field(default_factory=list)

    def add(self, text: str, stated: Iterable[tuple[str, Number | None]] = (), fact: str | None = None) -> None:
        self.items.append(Sentence(text, tuple(stated), fact))

    @property
    def texts(self) -> list[str]:
        return [s.text for s in self.items]

    @property
    def stated(self) -> list[tuple[str, Number | None]]:
        return [f for s in self.items for f in s.stated]


def n(value: Number | None) -> str:
    """A figure as official reports write it; a blank is 未填报, never an empty slot."""
    return BLANK if value is None else format_number(value)


@cache
def _templates() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("phrases.yaml").read_text("utf-8")
    env = Environment(undefined=StrictUndefined, autoescape=False)  # plain text; render escapes later
    # the phrases use none of jinja's default globals (range, lipsum …): without them a render no longer merges
    # them into each new context, ~40% of the cost of the ~40 renders a report's prose takes
    env.globals.clear()
    return {k: env.from_string(v) for k, v in YAML(typ="safe").load(text).items()}


UNIT_AFTER_BLANK = re.compile(f"{BLANK}(?:万元|件|条|项|个|元|起)")


def say(key: str, **values: Any) -> str:
    # "未填报件" reads wrong: a blank figure drops its measure word
    text = _templates()[key].render(n=n, **values)
    return UNIT_AFTER_BLANK.sub(BLANK, text) if BLANK in text else text



def _clauses(parts: Iterable[str], sep: str = "；") -> str:
    return sep.join(p for p in parts if p)


# ------------------------------------------------------------------------------------------- 二

def active(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    """Section 二: one sentence per kind of figure (documents, decisions, fees, the form's 2019 items)."""
    out = Sentences()
    t = ay.fmt.table("二")
    if ay.catalogue:
        total_known = all(v is not None for _, v in ay.catalogue)
        total = sum(v or 0 for _, v in ay.catalogue) if total_known else None
        shown = [(name, v) for name, v in ay.catalogue if v != 0]
        if total == 0:
            out.add(say("catalogue_none"), [("公开目录信息总数", 0)])
        else:
            parts = "、".join(say("catalogue_part", name=name, value=v) for name, v in shown)
            out.add(say("catalogue", count=len(ay.catalogue), total=total, parts=parts),
                    [("公开目录信息总数", total), *((f"目录:{name}", v) for name, v in shown)])

    def get(rk: str, role: str) -> tuple[bool, Number | None]:
        col = t.column_by_role(rk, role)
        return (col is not None, ay.get("二", rk, col.key) if col else None)

    # clauses gathered by kind, then one sentence per kind in the form's order of kinds
    documents, published, items, tail = Sentences(), Sentences(), Sentences(), Sentences()
    decisions: list[tuple[str, str, Number | None]] = []
    no_items: list[tuple[str, bool]] = []  # 2019 rows with no items and no decisions: said together
    for rk, row in t.figure_rows():
        roles = {r: get(rk, r) for r in ("made", "repealed", "in_force", "published", "published_total",
                                         "items_before", "items_delta", "decisions", "fee_amount",
                                         "procurement_items", "procurement_amount")}
        has = {r for r, (present, _) in roles.items() if present}
        v = {r: value for r, (_, value) in roles.items()}
        name = f"二:{rk}"
        if {"made", "repealed", "in_force"} <= has:
            documents.add(say("document_clause", label=row.label, made=v["made"], repealed=v["repealed"],
                              in_force=v["in_force"]),
                          [(f"{name}:{r}", v[r]) for r in ("made", "repealed", "in_force")])
        elif {"made", "published", "published_total"} <= has:
            published.add(say("published_clause", label=row.label, made=v["made"], published=v["published"],
                              total=v["published_total"]),
                          [(f"{name}:{r}", v[r]) for r in ("made", "published", "published_total")])
        elif "items_before" in has:
            stated = [(f"{name}:items_before", v["items_before"]), (f"{name}:items_delta", v["items_delta"])]
            if v["items_before"] == 0 and v["items_delta"] == 0 and ("decisions" not in has or v["decisions"] == 0):
                no_items.append((row.label, "decisions" in has))
                continue
            items.add(say("items_clause", label=row.label, before=v["items_before"], delta=v["items_delta"],
                          has_decisions="decisions" in has, decisions=v["decisions"]),
                      stated + ([(f"{name}:decisions", v["decisions"])] if "decisions" in has else []))
        elif "decisions" in has:
            decisions.append((name, row.label, v["decisions"]))
        elif "fee_amount" in has:
            fee = v["fee_amount"]
            tail.add(say("fee_amount_none" if fee == 0 else "fee_amount", value=fee), [(f"{name}:fee_amount", fee)])
        elif "procurement_items" in has:
            tail.add(say("procurement", items=v["procurement_items"], amount=v["procurement_amount"]),
                     [(f"{name}:procurement_items", v["procurement_items"]),
                      (f"{name}:procurement_amount", v["procurement_amount"])])
    if no_items:
        items.add(say("items_none", labels="、".join(label for label, _ in no_items),
                      has_decisions=any(d for _, d in no_items)))
    for kind, group in (("documents", documents), ("published", published), ("items", items)):
        if group.items:
            out.add(say(kind, clauses=_clauses(group.texts)), group.stated)
    if decisions:
        out.add(say("decisions", clauses=_clauses(_decision_clauses(decisions), "，")),
                [(f"{name}:decisions", value) for name, _, value in decisions])
    out.items += tail.items
    return out


def _decision_clauses(decisions: list[tuple[str, str, Number | None]]) -> list[str]:
    made = [(label, value) for _, label, value in decisions if value]
    none = [label for _, label, value in decisions if value == 0]
    blank = [label for _, label, value in decisions if value is None]
    return [
        say("decisions_made", parts="、".join(say("decisions_made_part", label=lab, value=v) for lab, v in made))
        if made else "",
        say("decisions_none", labels="、".join(none)) if none else "",
        say("decisions_blank", labels="、".join(blank)) if blank else "",
    ]


# ------------------------------------------------------------------------------------------- 三

def _yoy(now: int | None, before: int | None, year: int) -> str:
    """The year-on-year clause for 新收 (empty when a figure is blank or both years had none)."""
    c = figures.change(now, before)
    if c is None or (now == 0 and before == 0):
        return ""
    if now == 0:
        return say("yoy_to_zero", year=year, before=before)
    if c.kind == "up" and c.times is not None:
        times = format_number(c.times.normalize())  # 增长2倍, 增长2.1倍
        return say("yoy_times", year=year, diff=c.diff, times=times)
    key = {"up": "yoy_up", "down": "yoy_down", "same": "yoy_same", "from_zero": "yoy_from_zero"}[c.kind]
    return say(key, year=year, diff=c.diff, pct=figures.pct(c.percent))


def _mix(ay: AgencyYear, new: int | None) -> tuple[str, list[tuple[str, Number | None]]]:
    """Who applied: 自然人 and 法人或其他组织 (the applicant column groups), or 均为… when one group is all."""
    t = ay.fmt.table("三")
    new_key = t.key_of("new")
    natural = t.columns[0]
    orgs = [c for c in t.columns if c.group]
    nat_v = ay.t3(new_key, natural.key)
    org_vals = [ay.t3(new_key, c.key) for c in orgs]
    org_v = None if None in org_vals else sum(org_vals)  # type: ignore[arg-type]
    stated = [("三:新收:自然人", nat_v), ("三:新收:法人或其他组织", org_v)]
    org_label = orgs[0].group or ""
    if nat_v == 0 and org_v == new:
        return say("apps_mix_all", label=org_label), stated
    if org_v == 0 and nat_v == new:
        return say("apps_mix_all", label=natural.label), stated
    return say("apps_mix", label=natural.label, value=nat_v, other_label=org_label, other=org_v), stated


def applications(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    out = Sentences()
    new, carried, handled, carried_out = astuple(figures.applications(ay))
    if new == 0 and carried == 0:
        out.add(say("apps_none"), [("三:新收", 0), ("三:上年结转", 0)], fact="no_applications")
    else:
        stated: list[tuple[str, Number | None]] = [("三:新收", new), ("三:上年结转", carried)]
        mix = ""
        if new:
            mix, mix_stated = _mix(ay, new)
            stated += mix_stated
        yoy = ""
        if previous is not None and previous.year == ay.year - 1:
            before = figures.applications(previous).new
            yoy = _yoy(new, before, previous.year)
            if yoy:
                stated.append(("上年:三:新收", before))
                if new is not None and before is not None and new != before:
                    stated.append(("变化:三:新收", abs(new - before)))
        out.add(say("apps", new=new, carried=carried, mix=mix, yoy=yoy), stated)
    if handled:
        groups = figures.outcome_groups(ay)
        pcts = figures.shares([v for _, v in groups], handled)
        shown = [(label, v, p) for (label, v), p in zip(groups, pcts, strict=True) if v]
        parts = "；".join(say("handled_part", label=label, value=v, share=figures.pct(p)) for label, v, p in shown)
        text = (say("handled_one", handled=handled, label=shown[0][0]) if len(shown) == 1 and shown[0][1] == handled
                else say("handled", handled=handled, parts=parts) if parts else say("handled_blank", handled=handled))
        out.add(text,
                [("三:办理结果总计", handled), *((f"三:{label}", v) for label, v, _ in shown)])
    elif handled == 0 and (new or carried) and carried_out == figures.applications(ay).received:
        out.add(say("handled_none_all_carried", value=carried_out), [("三:办理结果总计", 0),
                                                                    ("三:结转下年度", carried_out)])
        return out  # the carry-over is said
    elif handled == 0 and (new or carried):
        out.add(say("handled_none"), [("三:办理结果总计", 0)])
    elif handled is None and (new or carried):
        out.add(say("handled_blank", handled=None), [("三:办理结果总计", None)])
    if new or carried:
        if carried_out == 0:
            out.add(say("carried_out_none"), [("三:结转下年度", 0)])
        elif carried_out is None:
            out.add(say("carried_out_blank"), [("三:结转下年度", None)])
        else:
            out.add(say("carried_out", value=carried_out), [("三:结转下年度", carried_out)])
    return out


# ------------------------------------------------------------------------------------------- 四

def reviews(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    """Section 四 in one sentence: 行政复议, then the 行政诉讼 groups under their heading."""
    out = Sentences()
    t = ay.fmt.table("四")
    parts_cols = [c for c in t.columns if not c.total]
    groups = figures.case_groups(ay)
    if all(v == 0 for _, v in groups):
        out.add(say("cases_none"), [(f"四:{g.key}:总计", 0) for g, _ in groups], fact="no_cases")
        return out
    stated: list[tuple[str, Number | None]] = []

    def parts(gk: str) -> str:
        vals = [(c.label, ay.get("四", gk, c.key)) for c in parts_cols]
        stated.extend((f"四:{gk}:{lab}", v) for lab, v in vals if v != 0)
        # the known outcomes, then the blank ones together: "结果维持1件，其他结果未填报"
        return say("case_parts", known="、".join(say("case_part", label=lab, value=v) for lab, v in vals if v),
                   blank="、".join(lab for lab, v in vals if v is None))

    clauses: list[str] = []
    by_role: dict[str, list[tuple[str, str, Number | None]]] = {}
    for g, tv in groups:
        gk = g.key or ""  # table 四's groups all carry figures
        stated.append((f"四:{gk}:总计", tv))
        if g.role:
            by_role.setdefault(g.role, []).append((gk, g.label, tv))
        else:
            clauses.append(say("review_clause", label=g.label, total=tv, parts=parts(gk) if tv else ""))
    for role, members in by_role.items():
        totals = [tv for _, _, tv in members]
        if all(v == 0 for v in totals):
            clauses.append(say("suits_none", label=role))
            continue
        total = None if None in totals else sum(totals)  # type: ignore[arg-type]
        stated.append((f"四:{role}:总计", total))
        shown = [(gk, label, tv) for gk, label, tv in members if tv != 0]  # a group with none goes unsaid
        if len(shown) == 1 and shown[0][2] == total:
            gk, label, _ = shown[0]
            clauses.append(say("suits_one", label=role, total=total, group=label, parts=parts(gk)))
            continue
        groups_text = "，".join(say("suit_group", label=label, total=tv, parts=parts(gk) if tv else "")
                                for gk, label, tv in shown)
        clauses.append(say("suits", label=role, total=total, groups=groups_text))
    out.add(say("cases", clauses=_clauses(clauses)), stated)
    return out


# ------------------------------------------------------------------------------ requirements

def fee(ay: AgencyYear, previous: AgencyYear | None) -> Sentences:
    """The 信息处理费 statement (requirement ``fee_statement``: 六 in the 2021 form), from params facts.fee."""
    out = Sentences()
    if ay.fee_charged is None:
        return out
    if ay.fee_charged:
        amount: Decimal | None = ay.fee_amount
        out.add(say("fee_charged", amount=amount), [("六:信息处理费", amount)], fact="fee_charged")
    else:
        out.add(say("fee_not_charged"), fact="fee_not_charged")
    return out


Generator = Callable[[AgencyYear, AgencyYear | None], Sentences]
# The sentences of the section that shows a table, by table id; of a section with a requirement, by flag.
TABLE_SENTENCES: dict[str, Generator] = {"二": active, "三": applications, "四": reviews}
REQUIREMENT_SENTENCES: dict[str, Generator] = {"fee_statement": fee}
