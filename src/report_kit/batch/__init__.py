"""Build many agency-years: registry, parallel workers, skipping what is up to date, index page."""

from report_kit.batch._executor import AgencyStatus, BatchResult, run_batch
from report_kit.batch._index import write_index
from report_kit.batch._lock import BuildLock
from report_kit.registry import Agency, load_registry

__all__ = ["Agency", "AgencyStatus", "BatchResult", "BuildLock", "load_registry", "run_batch", "write_index"]
