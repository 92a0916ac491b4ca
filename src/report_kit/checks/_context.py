"""What some rules read beyond one agency-year's figures and texts.

The agency registry (the name each agency must carry, its kind of body and level, its deadline), the registry's
local deadline rules, and, for a report read back from a published document, what the document shows as
written: its title and the section headings that were found. ``run_checks`` passes a ``Context`` to the rules
registered with ``context=True``; an empty Context (the default) means "nothing known beyond the agency-year".
Plain values only: the registry's own loader (``registry``) and the importers sit above the checks and fill it in.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal, Protocol

from report_kit.deadlines import LocalRule, Subject


class Registered(Subject, Protocol):
    """A registry entry (``registry.Agency`` has these fields): the deadline's subject, with its name and years."""

    @property
    def name(self) -> str: ...
    @property
    def first_year(self) -> int: ...
    @property
    def last_year(self) -> int | None: ...


@dataclass(frozen=True)
class Document:
    """A published document as written, for the rules on its structure (None for reports built from params)."""

    title: str | None  # the title line(s) as written, joined; None when the document opens without one
    headings: Mapping[str, str]  # section key → its heading as written, for every heading found
    # section key → the one numbered line with that section's number ("三、…") not recognised as its heading
    unmatched: Mapping[str, str] = field(default_factory=dict)
    traditional: bool = False  # written in traditional characters (a mirror's conversion): wording not compared
    # section key → the first line of a section that is there without its heading (a table read from its own header,
    # the overview's "（一）主动公开情况" straight after the preamble)
    unheaded: Mapping[str, str] = field(default_factory=dict)


# How an agency-year was tied to its registry entry: its params slug, or an imported file's name.
Identity = Literal["slug", "file name"]


@dataclass(frozen=True)
class Context:
    registry: Mapping[str, Registered] | None = None  # slug → entry; None: no registry known
    deadline_rules: tuple[LocalRule, ...] = ()
    document: Document | None = None
    identity: Identity = "slug"
    registry_path: str | None = None  # for messages


__all__ = ["Context", "Document", "Identity", "Registered"]
