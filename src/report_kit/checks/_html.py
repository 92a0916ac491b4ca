"""The findings table a reviewer reads first: grouped by section, coloured by severity, escaped."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import TYPE_CHECKING

from report_kit.checks._core import SECTION_ORDER, SEVERITY_ORDER, Finding

if TYPE_CHECKING:
    from jinja2 import Template

_SOURCE = """
<style>
.rk-findings{border-collapse:collapse;font-size:13px;width:100%}
.rk-findings th,.rk-findings td{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
.rk-findings .sec th{background:#eee}
.rk-findings .error td.sev{background:#f8d7da;color:#842029;font-weight:bold}
.rk-findings .warning td.sev{background:#fff3cd;color:#664d03}
.rk-findings .info td.sev{background:#cff4fc;color:#055160}
.rk-findings tr.ack td{opacity:.6}
</style>
<p><strong>检查结果</strong>：{{ counts.error }} 个错误，{{ counts.warning }} 个警告，{{ counts.info }} 条提示
{% if acked %}（另有 {{ acked }} 条已确认）{% endif %}</p>
{% if not groups %}<p>未发现问题。</p>{% else %}
<table class="rk-findings">
<thead><tr><th>级别</th><th>规则</th><th>位置</th><th>说明</th><th>应为</th><th>实际</th><th>编号</th></tr></thead>
<tbody>
{% for section, items in groups %}
<tr class="sec"><th colspan="7">第{{ section }}部分</th></tr>
{% for f in items %}
<tr class="{{ f.severity }}{{ ' ack' if f.acknowledged }}"><td class="sev">{{ labels[f.severity] }}</td>
<td>{{ f.rule }}</td><td>{{ f.location }}</td>
<td>{{ f.message }}{% if f.acknowledged %}<br><em>已确认：{{ f.acknowledged }}</em>{% endif %}</td>
<td>{{ f.expected or '' }}</td><td>{{ f.actual or '' }}</td><td><code>{{ f.id }}</code></td></tr>
{% endfor %}
{% endfor %}
</tbody></table>
{% endif %}
"""
LABELS = {"error": "错误", "warning": "警告", "info": "提示"}


@cache
def _template() -> Template:
    # compiled on first use: `report-kit check` and run_checks never pay for Jinja2
    from jinja2 import Environment

    return Environment(autoescape=True, trim_blocks=True, lstrip_blocks=True).from_string(_SOURCE)


def findings_html(findings: Sequence[Finding]) -> str:
    """HTML table of findings grouped by section (一 … 六), errors first within each."""
    groups: dict[str, list[Finding]] = {}
    for f in sorted(findings, key=lambda f: (SECTION_ORDER.find(f.section), SEVERITY_ORDER[f.severity], f.rule)):
        groups.setdefault(f.section, []).append(f)
    counts = {s: sum(1 for f in findings if f.severity == s and not f.acknowledged) for s in LABELS}
    acked = sum(1 for f in findings if f.acknowledged)
    return _template().render(groups=list(groups.items()), counts=counts, acked=acked, labels=LABELS)
