"""Find English prose in text a Chinese reader sees: what is left after removing what is legitimately Latin.

Legitimately Latin: file paths and file names, option names (--lang), quoted values ('Bad Slug', "x"), code in
backticks, rule ids (T3-BALANCE), identifiers with digits, underscores or dots (table3.r1.c2), and a few
technical words a Chinese UI writes in Latin letters (YAML, UTF-8, null …). Prose is two or more Latin words in a
row ("must be", "unknown key") or one word outside the allow-list.
"""

from __future__ import annotations

import re

ALLOWED = {
    "yaml", "utf", "gbk", "gb", "nul", "null", "true", "false", "html", "pdf", "docx", "xlsx", "csv", "json", "sha",
    "id", "ids", "report", "kit", "lang", "en", "zh", "cn", "params", "outputs", "approvals", "agency", "agencies",
    "year", "slug", "format", "body", "level", "published", "text", "facts", "narrative", "fee", "catalogue",
    "acknowledged", "short", "name", "dated", "yyyy", "mm", "dd", "ipynb", "py", "md", "txt", "xls", "wps", "doc",
    "usage", "department", "government", "national", "provincial", "prefecture", "county", "township", "dask",
    "tcp", "jupyterlab", "local", "fork", "spawn", "markdown", "jupyter", "chromium", "papermill", "python", "pip",
    "make", "linux",
    "portal",  # folder names the tests give
    "xx",  # a placeholder the TEXT-PLACEHOLDER rule names ("XX、×××")
    # command names, as typed
    "new", "run", "build", "diff", "check", "rules", "findings", "import", "audit", "demo", "sheet", "region", "status",
    "approve", "publish",
    # programs a Chinese message names by their own (Latin) names
    "libreoffice", "word", "excel", "pidfd", "wsl",
}
_REMOVE = [
    re.compile(r"(?m)^(\s*[^\s:]+:\d+: )[^\s:]+(?= \(|:)"),  # the field name in `file:line: field (标签): …`
    re.compile(r"`[^`]*`"),                       # code
    re.compile(r"'[^'\n]*'|\"[^\"\n]*\""),        # quoted values
    re.compile(r"(?:[\w.<>-]*/)+[\w.<>{},-]*"),   # paths: a/b/c.yaml, params/<year>/<slug>.yaml
    re.compile(r"\b[\w-]+\.(?:yaml|yml|html|ipynb|xlsx|docx|pdf|csv|json|txt|md|py|j2|mo|po)\b"),
    re.compile(r"--?[a-z][\w-]*"),                # options
    re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+(?:@[\w-]+)?\b"),  # rule ids (T3-BALANCE@unverified)
    re.compile(r"\b\w*[\d_.]\w*(?:\.\w+)*\b"),    # identifiers with digits/underscores/dots, numbers, dates
    re.compile(r"\bU\+[0-9A-F]{4}\b"),
    re.compile(r"\b[A-Z]\w*(?:Error|Exception)\b"),  # a Python exception's class name (ParamsError: …)
    re.compile(r"\bSIG[A-Z]+\b"),              # signal names (SIGKILL)
    re.compile(r"\bIn \[[\s\d]*\]"),            # Jupyter's label of an executed cell, as the notebook shows it
]
_WORD = re.compile(r"[A-Za-z]{2,}")


_METAVAR = re.compile(r"\b[A-Z][A-Z0-9_]+\b")


def english(text: str, allowed: set[str] = ALLOWED, *, metavars: bool = False) -> list[str]:
    """The English words left in ``text`` (empty when a Chinese reader meets none); ``metavars``: ignore the
    placeholders of a --help page (YEAR, PARAMS_ROOT)."""
    if metavars:
        text = _METAVAR.sub(" ", text)
    for pattern in _REMOVE:
        text = pattern.sub(" ", text)
    return [w for w in _WORD.findall(text) if w.lower() not in allowed]
