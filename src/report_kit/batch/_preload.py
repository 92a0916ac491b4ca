"""Imported by the build's forkserver before it forks any worker (``multiprocessing`` preload): the libraries
every worker needs, once (``report_kit._driver.preload``)."""

from report_kit import _driver

_driver.preload()
