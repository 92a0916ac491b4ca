"""review.html: the executed notebook as a reviewer reads it.

Findings first, then the parameters papermill injected and the build record (inputs, hashes,
timings, versions), then every cell of the run with its code folded. The build record lives
here only: report.html carries nothing that changes from one build of the same report to the next.
The page is self-contained and offline: JupyterLab's CSS is inlined, no CDN script is referenced.
"""

from __future__ import annotations

from functools import cache, lru_cache
from importlib import metadata, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

if TYPE_CHECKING:  # nbformat pulls in jsonschema (~1 s): imported where a notebook is read or written
    import nbformat

TEMPLATE_DIR = Path(str(resources.files("report_kit.export").joinpath("templates")))
TEMPLATE_NAME = "rk_review"
SEVERITIES = (("error", "错误"), ("warning", "警告"), ("info", "提示"))
HIDDEN_TAGS = {"parameters", "injected-parameters"}  # shown once, in the header


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATE_DIR)), autoescape=select_autoescape(default=True),
                       trim_blocks=True, lstrip_blocks=True)


class _Highlighter:
    """nbconvert's ``highlight_code`` filter (``Highlight2HTML``), remembered per source: the review page shows
    the template's code cells, the same for every agency of a build, and pygments + bleach cost more than the
    rest of the page's template. ``lexer`` is set per notebook, as nbconvert sets it (its language_info)."""

    LIMIT = 512

    def __init__(self, parent: Any) -> None:
        self.parent = parent
        self.lexer: str | None = None
        self._done: dict[tuple[Any, ...], str] = {}

    def __call__(self, source: str, language: str | None = None, metadata: Any = None) -> str:
        from nbconvert.filters.highlight import Highlight2HTML

        key = (self.lexer, source, language, (metadata or {}).get("magics_language"))
        if key not in self._done:
            if len(self._done) >= self.LIMIT:
                self._done.clear()
            self._done[key] = Highlight2HTML(pygments_lexer=self.lexer, parent=self.parent)(source, language, metadata)
        return self._done[key]


@lru_cache(maxsize=512)
def _clean_html(element: str) -> str:
    """nbconvert's ``clean_html`` filter (bleach), remembered: it cleans the highlighted code cells."""
    from nbconvert.filters.strings import clean_html

    return clean_html(element)


def _clean_any(element: Any) -> str:
    return _clean_html(element.decode() if isinstance(element, bytes) else str(element))


@cache
def _exporter() -> Any:
    from nbconvert import HTMLExporter

    class ReviewExporter(HTMLExporter):  # type: ignore[misc]
        def from_notebook_node(self, nb: Any, resources: Any = None, **kw: Any) -> Any:
            info = nb.metadata.get("language_info", {})
            highlight.lexer = info.get("pygments_lexer", info.get("name", None))  # what nbconvert would use
            return super().from_notebook_node(nb, resources, **kw)

    highlight = _Highlighter(None)
    exporter = ReviewExporter(template_name=TEMPLATE_NAME, extra_template_basedirs=[str(TEMPLATE_DIR)],
                              exclude_input_prompt=True, exclude_output_prompt=True,
                              language_code="zh",  # ISO 639-1 only
                              optimistic_validation=True,  # validate once, after the preprocessors, not after each
                              filters={"highlight_code": highlight, "clean_html": _clean_any})
    highlight.parent = exporter  # its configuration reaches the highlighter, as with nbconvert's own
    return exporter


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "（未安装）"


def _tagged(nb: nbformat.NotebookNode, tag: str) -> nbformat.NotebookNode | None:
    return next((c for c in nb.cells if tag in c.metadata.get("tags", [])), None)


def build_record(nb: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """What this build was made from and with: the rows of the review page's 构建信息 table."""
    record = nb.metadata.get("report_kit", {})
    pm = nb.metadata.get("papermill", {})
    params = pm.get("parameters", {})
    kernel = nb.metadata.get("kernelspec", {})
    lang = nb.metadata.get("language_info", {})
    duration = pm.get("duration")
    rows = [
        ("机关", record.get("agency", "")),
        ("报告年度", str(record.get("year", ""))),
        ("报告格式", str(record.get("format", ""))),
        ("参数文件", params.get("params_path") or "（未注入）"),
        ("参数文件SHA-256", params.get("params_sha256") or record.get("params_sha256") or "（未提供）"),
        ("上一年度参数", params.get("previous_path") or "（无）"),
        ("模板", pm.get("input_path") or "（未记录）"),
        ("开始执行", pm.get("start_time") or "（未记录）"),
        ("结束执行", pm.get("end_time") or "（未记录）"),
        ("耗时", f"{duration:.2f} 秒" if isinstance(duration, (int, float)) else "（未记录）"),
        ("内核", f"{kernel.get('display_name', kernel.get('name', ''))} · {lang.get('name', '')} "
                 f"{lang.get('version', '')}".strip()),
        ("report-kit", _version("report-kit")),
        ("papermill", pm.get("version") or _version("papermill")),
        ("nbconvert", _version("nbconvert")),
    ]
    return [(k, str(v)) for k, v in rows]


def header_html(nb: nbformat.NotebookNode, links: tuple[tuple[str, str], ...] = ()) -> str:
    """The top of the review page: findings, injected parameters, build record (escaped HTML)."""
    record = nb.metadata.get("report_kit", {})
    findings = record.get("findings", [])
    open_ = [f for f in findings if not f.get("acknowledged")]
    counts = {sev: sum(1 for f in open_ if f.get("severity") == sev) for sev, _ in SEVERITIES}
    injected = _tagged(nb, "injected-parameters")
    defaults = _tagged(nb, "parameters")
    return _env().get_template("review_header.html.j2").render(
        title=record.get("title", "政府信息公开工作年度报告"),
        findings=findings, counts=counts, acknowledged=len(findings) - len(open_),
        severities=SEVERITIES, severity_label=dict(SEVERITIES),
        injected=injected.source.strip() if injected else None,
        defaults=defaults.source.strip() if defaults else "",
        build=build_record(nb), links=links,
    )


def review_notebook(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The run without the parameter cells, which the header already shows: a shallow copy (nbconvert
    deep-copies what it converts, so nothing here or there changes ``nb``)."""
    out = type(nb)(nb)
    out.cells = [c for c in nb.cells if not HIDDEN_TAGS & set(c.metadata.get("tags", []))]
    return out


def review_html(nb: nbformat.NotebookNode, links: tuple[tuple[str, str], ...] = ()) -> str:
    """review.html for an executed (papermill) report notebook; ``links`` are extra (name, href) pairs."""
    title = nb.metadata.get("report_kit", {}).get("title", "政府信息公开工作年度报告")
    res = {"metadata": {"name": f"审阅版 · {title}"}, "rk_review_header": header_html(nb, links)}
    body, _ = _exporter().from_notebook_node(review_notebook(nb), resources=res)
    return body
