"""The region report's prose, from the totals only (pure functions; wording in ``phrases.yaml``).

Zero-aware like the agency reports: a kind of outcome that did not occur is left out rather than listed as 0件;
a figure some agencies left blank says how many; year on year compares the agencies that filed both years,
as 增长X% below 100%, 增长X倍 from there, 下降X%, 持平, or its own wording when last year was 0.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib import resources
from typing import Any

from jinja2 import Environment, StrictUndefined
from ruamel.yaml import YAML

from report_kit.deadlines import STATE_LABELS
from report_kit.region._figures import pct, shares
from report_kit.region._summary import CaseTotals, Summary
from report_kit.region._sums import Total
from report_kit.render.grid import format_number


def n(value: Any) -> str:
    return "未填报" if value is None else format_number(value)


@cache
def _templates() -> dict[str, Any]:
    text = resources.files(__package__).joinpath("phrases.yaml").read_text("utf-8")
    env = Environment(undefined=StrictUndefined, autoescape=False)  # plain text; the HTML templates escape
    return {k: env.from_string(v) for k, v in YAML(typ="safe").load(text).items()}


def say(key: str, **values: Any) -> str:
    return _templates()[key].render(n=n, **values)


def chinese_date(d: Any) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def _one(x: Decimal) -> str:
    return f"{x.quantize(Decimal('0.1'), ROUND_HALF_UP)}"


def yoy(now: int, before: int) -> str:
    """Year-on-year wording of two counts (issue 16's style)."""
    diff = now - before
    if diff == 0:
        return say("yoy_same")
    if before == 0:
        return say("yoy_from_zero")
    ratio = Decimal(abs(diff)) / before
    if diff > 0 and ratio >= 1:
        return say("yoy_up_times", diff=diff, times=_one(ratio))
    return say("yoy_up_pct" if diff > 0 else "yoy_down", diff=abs(diff), pct=_one(100 * ratio))


def filing_paragraph(s: Summary) -> str:
    r = s.region
    order = ("on_time", "late", "unpublished", "missing", "invalid")
    if s.states["on_time"] == len(r.members):
        parts = say("filing_all_on_time")
    else:
        parts = "，".join(say("filing_part", count=s.states[k], label=STATE_LABELS[k]) for k in order if s.states[k])
    text = say("filing", scope=r.scope, total=len(r.members), year=r.year, as_of=chinese_date(r.as_of),
               parts=parts or "尚无机关公布")
    if s.states["no_deadline"]:
        text += say("filing_unknown", count=s.states["no_deadline"])
    return text


def _blanks(t: Total) -> str:
    return say("apps_blanks", count=t.blanks) if t.blanks else ""


def applications_paragraphs(s: Summary) -> list[str]:
    if s.new.value == 0 and not s.new.blanks:
        return [say("apps_none")]
    change = ""
    if s.new_before is not None and s.new_same_now is not None and s.new_before.complete and s.new_same_now.complete:
        words = yoy(int(s.new_same_now.value or 0), int(s.new_before.value or 0))
        everyone = set(s.same_set) == {a.slug for a in s.region.filed}
        change = say("yoy", change=words) if everyone else say("yoy_same_set", count=len(s.same_set), change=words)
    out = [say("apps", new=s.new.value, blanks=_blanks(s.new), yoy=change)]
    if not s.handled.value:
        if s.handled.value == 0:
            out.append(say("handled_none"))
        return out
    groups = [(label, t.value) for label, t in s.outcomes]
    share = shares([v for _, v in groups], int(s.handled.value))
    parts = "；".join(say("handled_part", label=label, value=v, share=pct(sh))
                     for (label, v), sh in zip(groups, share, strict=True) if v)
    out.append(say("handled", handled=s.handled.value, blanks=_blanks(s.handled), parts=parts))
    return out


def _case(label: str, verb: str, c: CaseTotals, before: CaseTotals | None) -> str:
    if c.total.value == 0 and not c.total.blanks:
        return say("case_none", verb=verb + label)
    before_rate = pct(before.rate) if before is not None and before.rate is not None else ""
    return say("case_part", label=f"被{verb}{label}", total=c.total.value, blanks=_blanks(c.total),
               corrected=c.corrected, rate=pct(c.rate), concluded=c.concluded, before=before_rate,
               incomplete=c.incomplete)


def cases_paragraph(s: Summary) -> str:
    if all(c.total.value == 0 and not c.total.blanks for c in (s.review, s.litigation)):
        return say("cases_none")
    parts = [_case("行政复议", "申请", s.review, s.review_before),
             _case("行政诉讼", "提起", s.litigation, s.litigation_before)]
    return say("cases", parts="；".join(parts))


def findings_paragraph(s: Summary) -> str:
    members = [m for m in s.region.members if m.ay is not None]
    parts = []
    for sev, label in (("error", "错误"), ("warning", "警告")):
        with_any = [m.open_counts[sev] for m in members if m.open_counts[sev]]
        if with_any:
            parts.append(say("findings_part", count=len(with_any), label=label, items=sum(with_any)))
    if not parts or not any(m.open_counts["error"] for m in members):
        return say("findings_none") if not parts else "经逐一检查，" + "，".join(parts) + "。"
    return say("findings", parts="，".join(parts))


def same_set_note(s: Summary) -> str:
    if not s.same_set:
        return say("no_previous")
    return say("same_set", count=len(s.same_set), joined="、".join(s.names.get(x, x) for x in s.joined),
               left="、".join(s.names.get(x, x) for x in s.left))


def blanks_note() -> str:
    return say("blanks_note")
