"""Build many agency-years: registry, parallel workers, skipping what is up to date, index page."""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562): `report-kit check` reads the registry and must not pay for the
# executor's publishing libraries (python-docx, bs4) on the way.
_WHERE = {"AgencyStatus": "report_kit.batch._executor", "BatchResult": "report_kit.batch._executor",
          "run_batch": "report_kit.batch._executor", "write_index": "report_kit.batch._index",
          "BuildLock": "report_kit.batch._lock", "Agency": "report_kit.registry",
          "load_registry": "report_kit.registry"}

__all__ = ["Agency", "AgencyStatus", "BatchResult", "BuildLock", "load_registry", "run_batch", "write_index"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(_WHERE[name]), name)
