"""Fill, in the fork parent, the caches every agency's notebook fills again otherwise.

The forms (YAML) and their pydantic schemas, the narrative's phrase templates, the report's Jinja2
templates and the findings table's template are the same for every agency of a build: loaded once here,
they are shared by every forked kernel. Each is a pure function of report_kit's own files, and a fork
parent is replaced as soon as one of those files changes (``_fork.source_stamp``), so a kernel never
sees an older form or phrase than a spawned one would.

A step that fails only leaves that cache to be filled in the kernel, as without a fork parent.
"""

from __future__ import annotations

from collections.abc import Callable


def _forms() -> None:
    from report_kit.formats import available, get_format
    from report_kit.model import schema_for

    for format_id in available():
        get_format(format_id)
        schema_for(format_id)


def _text_rules() -> None:
    from report_kit.checks._text import _foreign_labels
    from report_kit.formats import available

    for format_id in available():
        _foreign_labels(format_id)


def _phrases() -> None:
    from report_kit.narrative._generate import _templates

    _templates()


def _report_templates() -> None:
    from report_kit.render.html import _env

    env = _env()
    for name in env.list_templates(extensions=["j2"]):
        if "/" not in name:  # the fragments; the folders hold nbconvert's page templates
            env.get_template(name)


def _findings_template() -> None:
    from report_kit.checks._html import _template

    _template()


STEPS: tuple[Callable[[], None], ...] = (_forms, _text_rules, _phrases, _report_templates, _findings_template)


def warm() -> list[str]:
    """Run every step; the names of those that failed."""
    failed = []
    for step in STEPS:
        try:
            step()
        except Exception:
            failed.append(step.__name__)
    return failed
