"""The language of what report-kit tells its users: Chinese by default, English on request.

Messages are written in English in the code and looked up in the gettext catalogue
``locale/zh_CN/LC_MESSAGES/report_kit.mo`` shipped with the package (its source, ``report_kit.po``, is
edited by hand; ``make catalog`` extracts and compiles). Chinese is the default whatever ``LANG``/``LC_*``
say, because the servers that run report-kit are set to ``C.UTF-8``; ``--lang en`` or ``REPORT_KIT_LANG=en``
switches to the English msgids. ``set_language`` also sets ``REPORT_KIT_LANG`` so kernels and worker
processes started afterwards speak the same language.

Rules for messages: ``_("… {name} …").format(name=…)``, never an f-string inside ``_()`` (the msgid must be a
literal); ``ngettext(singular, plural, n)`` for counts; ``N_()`` marks a literal for extraction where it is
defined (a module-level table) and ``_()`` translates it where it is shown.
"""

from __future__ import annotations

import gettext
import os
from functools import cache
from pathlib import Path

DOMAIN = "report_kit"
LOCALEDIR = Path(__file__).parent / "locale"
ENV = "REPORT_KIT_LANG"
DEFAULT = "zh_CN"
LANGUAGES = ("zh_CN", "en")
_ALIASES = {"zh": "zh_CN", "zh_cn": "zh_CN", "zh-cn": "zh_CN", "zh_hans": "zh_CN", "zh-hans": "zh_CN",
            "cn": "zh_CN", "en": "en", "en_us": "en", "en-us": "en", "en_gb": "en", "c": "en", "english": "en"}

_current: str | None = None


def normalize(lang: str | None) -> str:
    """``zh_CN`` or ``en`` for a language name as users write it (``zh``, ``zh-CN``, ``en_US.UTF-8`` …)."""
    if not lang:
        return DEFAULT
    key = lang.strip().split(".")[0].lower()
    if key in _ALIASES:
        return _ALIASES[key]
    raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")


@cache
def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "en":
        return gettext.NullTranslations()
    # fallback=False: a package shipped without its compiled catalogue must fail loudly, not speak English
    return gettext.translation(DOMAIN, LOCALEDIR, languages=[lang])


def language() -> str:
    """The language in force: the last ``set_language``, else ``REPORT_KIT_LANG``, else Chinese."""
    if _current is None:
        try:
            return normalize(os.environ.get(ENV))
        except ValueError:
            return DEFAULT  # a bad environment value must not break every message; the CLI option reports it
    return _current


def set_language(lang: str | None) -> str:
    """Switch the language of this process and of the processes it starts (``REPORT_KIT_LANG`` is set for
    them); None goes back to following ``REPORT_KIT_LANG``, else Chinese."""
    global _current
    if not lang:
        _current = None
        return language()
    _current = normalize(lang)
    os.environ[ENV] = _current
    return _current


def _(message: str) -> str:
    """The message in the current language (the msgid is the English text)."""
    return _translations(language()).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for ``n``, in the current language."""
    return _translations(language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a literal for extraction without translating it here (translate it with ``_()`` when shown)."""
    return message


def install_argparse() -> None:
    """Route argparse's own messages (usage, errors, "show this help message and exit") through the catalogue.

    argparse looks its messages up through the module globals ``_`` and ``ngettext`` it imported from gettext
    (the global ``messages`` domain, steered by ``LANG``); their msgids are kept in our catalogue (extracted
    from argparse.py by ``make catalog``) and looked up in the language in force at call time.
    """
    import argparse

    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
