"""Options several office commands share (region, status, approve, publish): one wording, one default."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from report_kit.i18n import _


def day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("not a date YYYY-MM-DD: {text!r}").format(text=text)) from None


def tree_options(p: argparse.ArgumentParser, *, params: bool = True, approvals: bool = False) -> None:
    """--params, --registry, --outputs (and --approvals): where the office's tree lives."""
    if params:
        p.add_argument("--params", dest="params_root", default="params", type=Path,
                       help=_("params root (default: params)"))
        p.add_argument("--registry", type=Path, help=_("agency registry (default: <params>/agencies.yaml)"))
    p.add_argument("--outputs", default="outputs", type=Path, help=_("outputs root (default: outputs)"))
    if approvals:
        p.add_argument("--approvals", type=Path,
                       help=_("approvals folder (default: approvals/ beside the params root)"))
