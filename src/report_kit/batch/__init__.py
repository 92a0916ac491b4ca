"""Build many agency-years: registry, parallel workers, skipping what is up to date, index page."""

from __future__ import annotations

import importlib
from typing import Any

# Imported on first use (PEP 562): `report-kit check` reads the registry (batch._registry) and must not pay for the
# executor's publishing libraries (python-docx, bs4) on the way.
_WHERE = {"AgencyStatus": "_executor", "BatchResult": "_executor", "run_batch": "_executor", "write_index": "_index",
          "BuildLock": "_lock", "Agency": "_registry", "load_registry": "_registry"}

__all__ = ["Agency", "AgencyStatus", "BatchResult", "BuildLock", "load_registry", "run_batch", "write_index"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
