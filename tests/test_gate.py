"""The publishing gate: sign-offs bound to digests, the portal folder, held-back reasons, corrections.

The end-to-end test builds real reports (papermill) and drives the real CLI: approve (both steps) → publish →
edit a figure → publish holds it back with its reason (status shows the stale approval) → rebuild, approve →
publish republishes it with its 更正说明 and keeps the original beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from report_kit import discovery, params, pipeline
from report_kit.checks import Finding
from report_kit.errors import ApprovalError
from report_kit.gate import Record, approve, assess, load_record, load_steps, safe_name
from report_kit.gate._approvals import Build, sign

from .checks_support import consistent, with_cells

STEPS = ("保密审查", "签发")
TITLE = "甲局2024年政府信息公开工作年度报告"


def _record() -> Record:
    return Record(agency="甲局", slug="a-ju", year=2024)


# ------------------------------------------------------------------------------------------- pure parts


def test_assess_reasons_in_order() -> None:
    build = Build(Path("/x"), "p1", {"report.html": "h1"})
    rec = _record()
    assert assess("a-ju", "甲局", "p1", build, [], rec, STEPS).reasons == ("not signed off: 保密审查, 签发",)
    sign(rec, "保密审查", "张三", None, "p1", build.content, STEPS, at="2025-01-10T09:00:00+08:00")
    sign(rec, "签发", "李四", None, "p1", build.content, STEPS, at="2025-01-11T09:00:00+08:00")
    assert assess("a-ju", "甲局", "p1", build, [], rec, STEPS).approved
    # a figure edited: the params digest moves on, the build is older, both sign-offs are stale
    edited = assess("a-ju", "甲局", "p2", build, [], rec, STEPS)
    assert edited.status == "stale" and not edited.approved
    assert [r.split(":")[0] for r in edited.reasons] == ["changed since build", "changed since approval",
                                                         "changed since approval", "not signed off"]
    # a new format built after approval changes the released content too
    more = Build(Path("/x"), "p1", {"report.html": "h1", "report.pdf": "d1"})
    assert "report.pdf changed" in assess("a-ju", "甲局", "p1", more, [], rec, STEPS).summary
    error = Finding("T3-BALANCE", "error", "三", "表三", "不平", key="总计")
    blocked = assess("a-ju", "甲局", "p1", build, [error], rec, STEPS)
    assert blocked.status == "errors" and "T3-BALANCE@总计" in blocked.reasons[0]
    acknowledged = replace(error, acknowledged="原件如此")
    assert assess("a-ju", "甲局", "p1", build, [acknowledged], rec, STEPS).approved
    assert assess("a-ju", "甲局", None, None, [], None, STEPS).status == "missing"
    leftover = Build(Path("/x"), "p1", {"report.html": "h1", "report.pdf": "d0"}, ("report.pdf",))
    assert "report.pdf older than report.html" in assess("a-ju", "甲局", "p1", leftover, [], rec, STEPS).reasons[0]


def test_steps_are_signed_in_order_once_per_content() -> None:
    rec = _record()
    content = {"report.html": "h1"}
    with pytest.raises(ApprovalError, match="签发 needs 保密审查 first"):
        sign(rec, "签发", "李四", None, "p1", content, STEPS)
    sign(rec, "保密审查", "张三", "已审", "p1", content, STEPS)
    with pytest.raises(ApprovalError, match="already signed by 张三"):
        sign(rec, "保密审查", "王五", None, "p1", content, STEPS)
    with pytest.raises(ApprovalError, match="not one of the sign-off steps"):
        sign(rec, "盖章", "李四", None, "p1", content, STEPS)
    with pytest.raises(ApprovalError, match="--by"):
        sign(rec, "签发", "  ", None, "p1", content, STEPS)
    sign(rec, "保密审查", "张三", None, "p2", content, STEPS)  # new content: signed again, history kept
    assert [s.params_sha256 for s in rec.signoffs] == ["p1", "p2"]


def test_steps_are_configurable(tmp_path: Path) -> None:
    assert load_steps(tmp_path) == STEPS
    (tmp_path / "steps.yaml").write_text("steps: [初审, 保密审查, 签发]\n", encoding="utf-8")
    assert load_steps(tmp_path) == ("初审", "保密审查", "签发")
    (tmp_path / "steps.yaml").write_text("steps: [签发, 签发]\n", encoding="utf-8")
    with pytest.raises(ApprovalError, match="distinct"):
        load_steps(tmp_path)


def test_a_damaged_approvals_file_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "a-ju.yaml"
    path.write_text("agency: 甲局\nslug: a-ju\nyear: 2024\nsignoffs: [{step: 签发}]\n", encoding="utf-8")
    with pytest.raises(ApprovalError, match=r"a-ju.yaml: signoffs\.0\.by"):
        load_record(path)


def test_portal_names_are_safe() -> None:
    assert safe_name(TITLE) == TITLE
    assert safe_name("../../etc/passwd<局>") == "_.._etc_passwd_局_"
    assert "/" not in safe_name("a/b\\c:d") and not safe_name(".hidden").startswith(".")


# ------------------------------------------------------------------------------------------- end to end


def _cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={**os.environ})


def _write(root: Path, slug: str, agency: str, **cells: int) -> Path:
    ay = replace(consistent("2021", year=2024), slug=slug, agency=agency, body="department", level="county")
    if cells:
        ay = with_cells(ay, *(("三", row, "总计", v) for row, v in cells.items()))
    path = root / "params" / "2024" / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(params.dumps(ay), encoding="utf-8")
    return path


@pytest.mark.slow
def test_approve_publish_edit_hold_back_correct(tmp_path: Path) -> None:
    root = tmp_path
    good = _write(root, "a-ju", "甲局")
    bad = _write(root, "b-ju", "乙局", 本年新收=11)  # 表三 does not balance: an error finding
    (root / "params" / "agencies.yaml").write_text(
        "agencies:\n  - {slug: a-ju, name: 甲局, body: department, level: county, first_year: 2024}\n"
        "  - {slug: b-ju, name: 乙局, body: department, level: county, first_year: 2024}\n"
        "  - {slug: c-ju, name: 丙局, body: department, level: county, first_year: 2024}\n", encoding="utf-8")
    outputs = root / "outputs"
    pipeline.run(good, outputs, to=("docx",))
    pipeline.run(bad, outputs)

    with pytest.raises(ApprovalError, match="error findings are open"):
        approve(bad, "张三", outputs=outputs)
    refused = _cli(root, "approve", "params/2024/a-ju.yaml", "--by", "李四", "--step", "签发")
    assert refused.returncode == 2 and "签发 needs 保密审查 first" in refused.stderr
    first = _cli(root, "approve", "params/2024/a-ju.yaml", "--by", "张三", "--note", "无涉密内容")
    assert first.returncode == 0 and "保密审查 signed by 张三" in first.stdout, first.stderr
    second = _cli(root, "approve", "params/2024/a-ju.yaml", "--by", "李四")
    assert "签发 signed by 李四" in second.stdout and "fully signed off" in second.stdout
    approvals = root / "approvals" / "2024" / "a-ju.yaml"
    assert approvals.is_file() and root / "params" not in approvals.parents
    assert all(p.parent.name.isdigit() for p in discovery.discover([root / "params"]))  # discovery never sees it
    record = load_record(approvals)
    assert record is not None and [s.step for s in record.signoffs] == ["保密审查", "签发"]
    assert set(record.signoffs[0].content) == {"report.html", "report.docx"}  # not review.html, not the notebook

    portal = root / "portal"
    out = _cli(root, "publish", "--year", "2024", "--to", "portal", "--date", "2025-01-20")
    assert out.returncode == 1 and "1 published, 0 corrected, 0 unchanged, 2 held back" in out.stdout
    assert "held back b-ju 乙局" in out.stderr and "errors: " in out.stderr
    assert "held back c-ju 丙局" in out.stderr and "missing: no params file" in out.stderr
    html, docx = portal / f"{TITLE}.html", portal / f"{TITLE}.docx"
    assert html.read_bytes() == (outputs / "2024" / "a-ju" / "report.html").read_bytes() and docx.is_file()
    index = (portal / "index.html").read_text("utf-8")
    assert TITLE in index and "乙局" not in index and "2025年1月20日" in index
    published = html.read_bytes()

    # edit a figure after approval: held back with its reason, the portal keeps what was published
    text = good.read_text("utf-8").replace("行政许可: {本年处理决定数量: 0}", "行政许可: {本年处理决定数量: 7}")
    assert "本年处理决定数量: 7" in text
    good.write_text(text, encoding="utf-8")
    held = _cli(root, "publish", "--year", "2024", "--to", "portal", "--date", "2025-02-01")
    assert held.returncode == 1 and "0 published" in held.stdout
    block = held.stderr.split("held back a-ju 甲局")[1].split("held back")[0]
    assert "portal keeps release 1 of 2025-01-20" in block and "changed since approval: 保密审查 by 张三" in block
    assert "params file edited" in block
    assert html.read_bytes() == published
    status = _cli(root, "status", "--year", "2024", "--as-of", "2025-02-01")
    assert status.returncode == 1  # 乙局 and 丙局 are unpublished / missing
    line = next(x for x in status.stdout.splitlines() if "a-ju" in x)
    assert "changed since approval" in line and "on portal since 2025-01-20" in line

    # the corrected report: rebuilt, signed again, republished with its 更正说明, the original kept
    pipeline.run(good, outputs, to=("docx",))
    for who in ("张三", "李四"):
        assert _cli(root, "approve", "params/2024/a-ju.yaml", "--by", who).returncode == 0
    fixed = _cli(root, "publish", "--year", "2024", "--to", "portal", "--date", "2025-02-10")
    assert "0 published, 1 corrected" in fixed.stdout, fixed.stderr
    original = portal / f"{TITLE}（2025年1月20日发布原文）.html"
    assert original.read_bytes() == published
    assert (portal / f"{TITLE}（2025年1月20日发布原文）.docx").is_file()
    notice = (portal / f"{TITLE}更正说明.html").read_text("utf-8")
    assert "于2025年1月20日发布" in notice and "2025年2月10日更正" in notice
    assert "表二 第二十条第（五）项 行政许可 × 本年处理决定数量：原为0，更正为7。" in notice
    # the changed sentence is quoted, not the whole generated paragraph of section 二
    assert "“未作出行政许可、行政处罚、行政强制决定”更正为“作出行政许可决定7件，未作出行政处罚、行政强制决定”" in notice
    new_html = html.read_text("utf-8")
    assert new_html.index("更正说明") < new_html.index("<h1") and f"{TITLE}（2025年1月20日发布原文）.html" in new_html
    index = (portal / "index.html").read_text("utf-8")
    assert "更正说明" in index and "2025年2月10日更正" in index and "2025年1月20日" in index
    record = load_record(approvals)
    assert record is not None and [r.date for r in record.releases] == ["2025-01-20", "2025-02-10"]
    again = _cli(root, "publish", "--year", "2024", "--to", "portal", "--date", "2025-03-01")
    assert "0 published, 0 corrected, 1 unchanged" in again.stdout
    # another portal folder gets the same files back from the archive
    other = _cli(root, "publish", "--year", "2024", "--to", "portal2", "--date", "2025-03-01")
    assert "1 unchanged" in other.stdout and (root / "portal2" / f"{TITLE}更正说明.html").is_file()
    assert (root / "portal2" / f"{TITLE}.html").read_bytes() == html.read_bytes()
