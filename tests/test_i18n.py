"""The message catalogue: every message in the code translated, the shipped .mo in step with the .po, Chinese
by default whatever LANG says, English on request (--lang en, REPORT_KIT_LANG=en)."""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from report_kit import i18n

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("rk_catalog_tool", ROOT / "tools" / "catalog.py")
assert _spec and _spec.loader
catalog_tool = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(catalog_tool)

BRACES = re.compile(r"\{[A-Za-z_]\w*(?:![rsa])?(?::[^{}]*)?\}")  # str.format fields, not literal braces
PERCENT = re.compile(r"%(?:\([a-z_]+\))?[-#0 +]*\d*(?:\.\d+)?[sdrif%]")


def _key(msgid: str | tuple[str, ...]) -> str:
    return msgid if isinstance(msgid, str) else msgid[0]


def _translations() -> dict[str, object]:
    return {_key(m.id): m for m in catalog_tool.read_catalog() if m.id}


def _translated(message: object) -> bool:
    string = message.string  # type: ignore[attr-defined]
    return bool(string) and (isinstance(string, str) or all(string)) and not message.fuzzy  # type: ignore[attr-defined]


def test_every_message_in_the_code_has_a_chinese_translation() -> None:
    catalog = _translations()
    found = list(catalog_tool.code_messages())
    assert len(found) > 40  # the extractor really walked src/ and argparse
    missing = sorted({f"{where}: {msgid!r}" for msgid, where in found
                      if _key(msgid) not in catalog or not _translated(catalog[_key(msgid)])})
    assert not missing, "messages without a Chinese translation (run `make catalog`, then translate):\n" + \
        "\n".join(missing)


def test_no_fuzzy_or_empty_entries_and_placeholders_kept() -> None:
    for m in catalog_tool.read_catalog():
        if not m.id:
            continue
        key = m.id
        assert _translated(m), f"untranslated or fuzzy: {key!r}"
        ids = [key] if isinstance(key, str) else list(key)
        strings = [m.string] if isinstance(m.string, str) else list(m.string)
        for pattern in (BRACES, PERCENT):
            wanted = sorted(set(pattern.findall(ids[-1])))
            for s in strings:
                assert sorted(set(pattern.findall(s))) == wanted, f"placeholders differ in {key!r}: {s!r}"


def test_the_shipped_mo_is_compiled_from_the_po() -> None:
    assert catalog_tool.MO.read_bytes() == catalog_tool.compiled(catalog_tool.read_catalog()), \
        "report_kit.mo is out of step with report_kit.po: run `make catalog` (or tools/catalog.py --compile)"


def test_chinese_by_default_english_on_request(monkeypatch: pytest.MonkeyPatch, chinese) -> None:
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("LC_ALL", "en_US.UTF-8")
    assert i18n.language() == "zh_CN"
    assert i18n._("interrupted") == "已中断"
    i18n.set_language("en")
    assert i18n._("interrupted") == "interrupted"
    assert os.environ[i18n.ENV] == "en"  # kernels and workers started now inherit it
    i18n.set_language(None)
    monkeypatch.delenv(i18n.ENV)
    assert i18n._("interrupted") == "已中断"
    monkeypatch.setenv(i18n.ENV, "en_US.UTF-8")
    assert i18n.language() == "en"
    with pytest.raises(ValueError):
        i18n.normalize("fr")


def _cli(*args: str, cwd: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != i18n.ENV}
    return subprocess.run([sys.executable, "-m", "report_kit", *args], capture_output=True, text=True, timeout=120,
                          env={**base, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **env}, cwd=cwd)


def test_cli_and_argparse_speak_chinese_under_c_utf8() -> None:
    done = _cli("--help")
    assert done.returncode == 0
    assert "用法：" in done.stdout and "显示本帮助信息并退出" in done.stdout
    assert "usage:" not in done.stdout and "show this help" not in done.stdout
    bad = _cli("no-such-command")
    assert bad.returncode == 2
    assert "错误" in bad.stderr and "无效的选项值" in bad.stderr and "invalid choice" not in bad.stderr


def test_lang_option_and_environment_switch_to_english() -> None:
    for done in (_cli("--lang", "en", "--help"), _cli("--help", REPORT_KIT_LANG="en")):
        assert "usage:" in done.stdout and "show this help message and exit" in done.stdout
        assert "用法" not in done.stdout
    bad = _cli("--lang", "fr", "--help")
    assert bad.returncode == 2 and "未知的语言" in bad.stderr


BAD_PARAMS = """agency: ""
slug: Bad Slug
year: 2024
format: '2024'
body: ministry
level: x
published: notadate
extra_key: 1
facts: {fee: {charged: maybe, amount: abc}, catalogue: 3}
text: {bogus: 1}
"""


def test_params_errors_are_chinese(chinese, seed_params: Path, tmp_path: Path) -> None:
    from report_kit.errors import ParamsError
    from report_kit.params import loads

    from ._english import english

    seed = seed_params.read_text("utf-8")
    cases = [BAD_PARAMS, seed.replace("agency:", "agency: [1]\nagencyx:", 1), "- a list\n", "a: [1\n",
             "x: !!python/object:os.system {}\n", seed.replace("slug:", "\x07slug:", 1),
             seed.replace("0, ", "-3, ", 1).replace("1, ", "1.5, ", 1).replace("2, ", "99999999999, ", 1),
             seed.replace("amount: null", "amount: 'abc'", 1)]
    seen = 0
    for text in cases:
        with pytest.raises(ParamsError) as err:
            loads(text, "p.yaml")
        message = str(err.value)
        seen += len(err.value.problems)
        assert "参数文件中有" in message
        assert english(message) == [], message
    assert seen >= 15


# ------------------------------------------------------------------------ end to end: what a Chinese user sees


def _headings(notebook: Path) -> str:
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    return "\n".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", ()))


@pytest.mark.slow
def test_a_chinese_user_meets_no_english(chinese, tmp_path: Path) -> None:
    """Build, diff, approve, publish, status and sheet in subprocesses under LANG=C.UTF-8 (no REPORT_KIT_LANG):
    every line printed and every heading of the executed notebook is Chinese; --lang en gives English."""
    from report_kit import pipeline

    from ._english import english
    from .test_gate import _write

    root = tmp_path
    good = _write(root, "a-ju", "甲局")
    bad = _write(root, "b-ju", "乙局", 本年新收=11)  # an error finding: approve refuses it
    (root / "params" / "agencies.yaml").write_text(
        "agencies:\n  - {slug: a-ju, name: 甲局, body: department, level: county, first_year: 2024}\n"
        "  - {slug: b-ju, name: 乙局, body: department, level: county, first_year: 2024}\n"
        "  - {slug: c-ju, name: 丙局, body: department, level: county, first_year: 2024}\n", encoding="utf-8")
    outputs = root / "outputs"
    built = pipeline.run(good, outputs)
    pipeline.run(bad, outputs)
    headings = _headings(built.notebook)
    assert "## 1. 载入并校验参数" in headings and "## 2. 检查结果（请先阅读）" in headings
    assert english(headings.replace("report-kit", "")) == [], headings

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=root, capture_output=True, text=True,
                              timeout=300, env={**{k: v for k, v in os.environ.items() if k != i18n.ENV},
                                                "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"})
        seen = english(done.stdout + done.stderr, metavars="--help" in args or done.returncode == 2)  # usage lines
        assert seen == [], f"{args}: {seen}\n{done.stdout}\n{done.stderr}"
        return done

    assert cli("approve", "params/2024/b-ju.yaml", "--by", "张三").returncode == 2
    assert cli("approve", "params/2024/a-ju.yaml", "--by", "李四", "--step", "签发").returncode == 2
    assert cli("approve", "params/2024/a-ju.yaml", "--by", "张三").returncode == 0
    done = cli("approve", "params/2024/a-ju.yaml", "--by", "李四")
    assert "已全部签批：可以发布" in done.stdout
    published = cli("publish", "--year", "2024", "--to", "portal", "--date", "2025-01-20")
    assert "发布 1 个" in published.stdout and "暂不发布 b-ju 乙局" in published.stderr
    status = cli("status", "--year", "2024", "--as-of", "2025-02-10")
    assert "报送情况" in status.stdout and status.returncode == 1
    assert "数字、检查结果和文字均无差异。" in cli("diff", str(built.notebook), str(built.notebook)).stdout
    assert cli("diff", "nothing.ipynb", str(built.notebook)).returncode == 2
    assert cli("sheet", "new", "w.xlsx", "--year", "2024", "--agencies", "params/agencies.yaml").returncode == 0
    assert cli("sheet", "import", "w.xlsx", "--out", "sheet-params").returncode == 1  # nothing filled in
    assert cli("new", "--agency", "甲局", "--slug", "a-ju", "--year", "2024").returncode == 2  # exists
    region = cli("region", "--year", "2024", "--as-of", "2025-02-10")
    assert region.returncode == 0 and "个机关" in region.stdout
    region_headings = _headings(outputs / "2024" / "_region" / "report.ipynb")
    assert "## 2. 待处理事项" in region_headings and english(region_headings.replace("report-kit", "")) == []
    ran = cli("run", "params/2024/a-ju.yaml")
    assert ran.returncode == 0 and "错误 0 项，警告" in ran.stdout
    build = cli("build", "--year", "2024", "--explain")  # both up to date; c-ju is registered without params
    assert build.returncode == 0 and "生成 0 份，未变化 2 份，失败 0 份，缺少参数 1 份" in build.stdout
    assert "跳过" in build.stdout
    index = re.sub(r"<style.*?</style>|<script.*?</script>|<[^>]+>", " ", (outputs / "index.html").read_text("utf-8"),
                   flags=re.S)
    assert "没有 params/2024/c-ju.yaml" in index and english(index) == [], english(index)
    checked = cli("check", "params")
    assert checked.returncode == 1 and "已检查 2 个文件：错误 2 项" in checked.stdout
    assert "1 个文件未通过" in checked.stdout and ": 错误: " in checked.stdout
    assert "| 编号 | 级别 | 规则 | 公式 |" in cli("rules", "--format", "markdown").stdout
    assert "T3-BALANCE" in cli("rules").stdout
    assert "3 份报告：错误 2 项" in cli("findings", "outputs").stdout  # a-ju, b-ju and the region report
    for command in ("", "new", "diff", "demo", "sheet", "sheet new", "region", "status", "approve", "publish", "run",
                    "build", "check", "rules", "findings"):
        assert cli(*command.split(), "--help").returncode == 0
    assert cli("status").returncode == 2  # argparse's own error

    english_run = pipeline.run(good, root / "outputs-en") if i18n.set_language("en") else None
    assert english_run is not None
    assert "## 1. Load and validate the params" in _headings(english_run.notebook)


# ------------------------------------------------------------------ import / audit of real reports, in Chinese

REAL = ROOT / "tests" / "data" / "real"
# document content and data, not messages: a flipbook's page label in a title, the file name standing for a
# missing agency name ("source"), pandas' blank year
_DATA_WORDS = {"page", "source", "na"}


def test_import_and_audit_of_real_reports_speak_chinese(tmp_path: Path) -> None:
    from ._english import ALLOWED, english

    flipbook = REAL / "2020-qu-shenjiju-flipbook" / "source.txt"  # tables not found, inferred body, format guessed
    rows_lost = REAL / "2019-jianshui-qinglongzhen" / "source.txt"  # rows not found: the counted summary line
    # refused: no report year anywhere (the real page names it only in "汇报我镇2023年…", which import now reads)
    no_year = tmp_path / "no-year.txt"
    no_year.write_text((REAL / "2023-nileke-zhenzhengfu" / "source.txt").read_text("utf-8").replace("2023年", "本年"),
                       "utf-8")
    page = tmp_path / "audit.html"
    shown: list[str] = []
    for args in (("audit", str(flipbook), str(rows_lost), str(no_year), "--html", str(page)),
                 ("audit", "-v", str(flipbook), str(rows_lost))):
        done = _cli(*args, cwd=tmp_path)
        assert done.returncode == 1, done.stderr  # the unreadable document counts as an error
        shown.append(done.stdout + done.stderr)
    assert "导入错误: 表二" in shown[0] and "审核页面：" in shown[0] and "文件" in shown[0]
    assert "未找到报告年度" in shown[0] and "推断" in shown[1]
    html = re.sub(r"<style.*?</style>|<[^>]+>", " ", page.read_text("utf-8"), flags=re.DOTALL)
    assert "既未找到标题" in html
    shown.append(html)

    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    out = tmp_path / "params"
    first = _cli("import", str(flipbook), "--out", str(out), cwd=tmp_path)
    assert first.returncode == 1 and "处导入错误" in first.stdout, first.stderr  # tables left blank
    again = _cli("import", str(flipbook), str(empty), "--out", str(out), cwd=tmp_path)
    assert "已存在" in again.stdout and "文件为空" in again.stdout, again.stdout
    refused = _cli("import", str(flipbook), str(empty), "--year", "2020", cwd=tmp_path)
    assert refused.returncode != 0 and "只适用于一个文件" in refused.stderr
    shown += [first.stdout + first.stderr, again.stdout + again.stderr, refused.stderr]
    for text in shown:
        assert english(text, ALLOWED | _DATA_WORDS) == [], text
    assert "结论：" in shown[0] and "导入说明：" in shown[0] and "政府信息公开工作年度报告审核" in html

    # the verdict lines and the audit page have English msgids: --lang en gives English there too
    english_page = tmp_path / "audit-en.html"
    done = _cli("--lang", "en", "audit", str(rows_lost), "--html", str(english_page), cwd=tmp_path)
    assert "Verdict: " in done.stdout and "Import notes:" in done.stdout and "结论" not in done.stdout, done.stdout
    page_en = english_page.read_text("utf-8")
    assert '<html lang="en">' in page_en and "<h1>Audit of government information disclosure annual reports</h1>" \
        in page_en and "审核" not in page_en


# ------------------------------------------------------------- when things go wrong: the errors speak Chinese too

# A copy of the real template with one extra cell after the params are loaded: b-ju meets a real report-kit error
# inside the kernel (its params "changed" since scheduling), c-ju's kernel is killed, d-ju outlives --timeout.
_FAILING_CELL = """import os, signal, time
if ay.slug == "b-ju":
    load_params(params_path, expected_sha256="0" * 64)
if ay.slug == "c-ju":
    os.kill(os.getpid(), signal.SIGKILL)
if ay.slug == "d-ju":
    time.sleep(120)
"""
_BROKEN_REGISTRY = ("agencies:\n  - {slug: A_b, name: 甲局, body: ministry, levl: county, first_year: x, "
                    "deadline: '02-30'}\n  - {slug: a-ju, name: 乙局, former_names: [{name: x, until: 2020}, "
                    "{name: y, until: 2020}], deadline: 131}\n  - {slug: a-ju, name: 丙局}\n")
_BROKEN_FORM = "id: '2030'\nfirst_year: 2030\ntitle: '{agency}{year}年度报告'\nnotice: 某号\nsections: []\n"


def _index_text(outputs: Path) -> str:
    page = (outputs / "index.html").read_text("utf-8")
    return re.sub(r"<style.*?</style>|<script.*?</script>|<[^>]+>", " ", page, flags=re.S)


@pytest.mark.slow
def test_errors_a_chinese_user_meets_are_chinese(chinese, tmp_path: Path) -> None:
    """Failures in subprocesses under LANG=C.UTF-8 without REPORT_KIT_LANG: a cell raising a report-kit error, a
    killed kernel, a cell over --timeout (the FAILED lines and the index page's 说明 column), an unknown --kernel,
    fork start unavailable, a build refused by a held lock, a broken agencies.yaml, params in the wrong place, no
    form for a year, a broken form file, a legacy .doc without LibreOffice — no English word; the same build with
    --lang en speaks English."""
    from report_kit.batch._lock import BuildLock

    from ._english import english
    from .test_batch import _template
    from .test_gate import _write

    root = tmp_path
    for slug, name in (("a-ju", "甲局"), ("b-ju", "乙局"), ("c-ju", "丙局"), ("d-ju", "丁局")):
        _write(root, slug, name)
    template = _template(root, _FAILING_CELL)
    base = {k: v for k, v in os.environ.items() if k != i18n.ENV}

    def cli(*args: str, cwd: Path = root, **env: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "report_kit", *args], cwd=cwd, capture_output=True, text=True,
                              timeout=400, env={**base, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **env})
        assert "Traceback" not in done.stderr, done.stderr
        if "--lang" not in args:
            seen = english(done.stdout + done.stderr)
            assert seen == [], f"{args}: {seen}\n{done.stdout}\n{done.stderr}"
        return done

    build = ("build", "--template", str(template), "--timeout", "8", "--jobs", "2")
    done = cli(*build)
    assert done.returncode == 1 and "生成 1 份，未变化 0 份，失败 3 份" in done.stdout, done.stdout + done.stderr
    err = done.stderr
    assert "模板笔记本出错（单元格 In [" in err and "ParamsError" in err and "安排本次运行后文件又被修改过" in err, err
    assert "内核意外退出（内核被 SIGKILL 信号终止）" in err, err
    assert "单元格运行超过 8 秒仍未完成（--timeout）" in err, err
    index = _index_text(root / "outputs")
    assert "内核意外退出" in index and "安排本次运行后文件又被修改过" in index and "单元格运行超过 8 秒" in index, index
    assert english(index) == [], english(index)
    for slug in ("b-ju", "c-ju", "d-ju"):
        assert (root / "outputs" / "2024" / slug / "failed.ipynb").is_file()

    # refusals before any kernel runs
    no_kernel = cli("run", "params/2024/a-ju.yaml", "--kernel", "nosuch")
    assert no_kernel.returncode == 2 and "没有名为 'nosuch' 的 Jupyter 内核" in no_kernel.stderr, no_kernel.stderr
    no_fork = cli("run", "params/2024/a-ju.yaml", "--kernel-start", "fork", REPORT_KIT_PORTABLE="1")
    assert no_fork.returncode == 2 and "--kernel-start fork 不可用" in no_fork.stderr, no_fork.stderr
    (root / "in-the-way").write_text("a file where the outputs folder should be", "utf-8")
    in_the_way = cli("run", "params/2024/a-ju.yaml", "--outputs", "in-the-way")
    assert in_the_way.returncode == 2 and "已有同名的文件（不是文件夹）" in in_the_way.stderr, in_the_way.stderr
    (root / "notes.ipynb").write_text("not a notebook", "utf-8")
    assert "不是 JSON（第 1 行第 1 列）" in cli("diff", "notes.ipynb", "notes.ipynb").stderr
    with BuildLock(root / "outputs"):
        locked = cli("build")
    assert locked.returncode == 2 and "另一个 report-kit 生成任务" in locked.stderr, locked.stderr
    moved = root / "params" / "2023" / "a-ju.yaml"  # says 2024 in the 2023 folder
    moved.parent.mkdir()
    moved.write_text((root / "params" / "2024" / "a-ju.yaml").read_text("utf-8"), "utf-8")
    wrong = cli("check", "params")
    assert wrong.returncode != 0 and "文件位于 2023 文件夹，但写的年度是 2024" in wrong.stdout + wrong.stderr
    moved.unlink()
    (root / "params" / "agencies.yaml").write_text(_BROKEN_REGISTRY, "utf-8")
    registry = cli("build")
    shown = registry.stdout + registry.stderr
    assert registry.returncode != 0 and "不是每年都有的日期" in shown and "两个曾用名的使用至年度相同" in shown, shown
    assert "只能由小写字母、数字和单个连字符组成" in shown and "未知的键" in shown, shown
    (root / "params" / "agencies.yaml").unlink()
    assert "没有适用于 2005 年度报告的官方表式" in cli("new", "--agency", "戊局", "--slug", "e-ju", "--year",
                                                      "2005").stderr
    forms = root / "forms"
    forms.mkdir()
    (forms / "2030.yaml").write_text(_BROKEN_FORM, "utf-8")
    no_forms = cli("check", "params", REPORT_KIT_FORMATS=str(root / "nothing"))
    assert "不是文件夹" in no_forms.stdout + no_forms.stderr, no_forms.stdout
    broken_form = cli("check", "params", REPORT_KIT_FORMATS=str(forms))
    assert "必须且只能出现在一个部分中" in broken_form.stdout + broken_form.stderr, broken_form.stderr
    legacy = root / "old.doc"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))
    no_office = cli("import", str(legacy), "--out", "imported", PATH=str(Path(sys.executable).parent))
    assert "未安装 LibreOffice" in no_office.stdout + no_office.stderr, no_office.stdout + no_office.stderr

    # the same failures in English on request
    english_build = cli("--lang", "en", *build)
    err = english_build.stderr
    assert "the template notebook failed at cell In [" in err and "the file changed after this run" in err, err
    assert "Kernel died (the kernel was killed by SIGKILL)" in err and "a cell timed out after 8 s" in err, err
    assert "Kernel died" in _index_text(root / "outputs")
