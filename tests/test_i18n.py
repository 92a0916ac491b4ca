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


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if k != i18n.ENV}
    return subprocess.run([sys.executable, "-m", "report_kit", *args], capture_output=True, text=True, timeout=120,
                          env={**base, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", **env})


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
