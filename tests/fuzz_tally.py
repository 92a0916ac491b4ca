"""Counts of fuzz outcomes across the session, printed in pytest's terminal summary."""

from __future__ import annotations

from collections import Counter, defaultdict

TALLY: defaultdict[str, Counter[str]] = defaultdict(Counter)


def count(entry_point: str, outcome: str) -> None:
    """outcome: 'valid', 'clean-error', 'traceback', 'lost-output', 'orphan-kernel', or a test's own
    failure kind ('hang', 'injected', 'nondeterministic'), which gets a column of its own."""
    TALLY[entry_point][outcome] += 1
