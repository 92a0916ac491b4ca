"""What several rules derive from the same agency-year, computed once per ``run_checks`` call.

The prose rules all read the composed prose (``narrative.compose``, the costliest step of a check); each used to
compose it again. ``per_run`` functions remember their result inside one run, by the identity of their arguments
(the run keeps those arguments alive, so an id is never reused within it). Outside a run, and for any argument
the run did not see, they compute as before: nothing is remembered between runs, so an agency-year changed in
place between two checks is never judged by its old prose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import wraps
from typing import Any, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_RUN: ContextVar[dict[tuple[Any, ...], tuple[Any, tuple[Any, ...]]] | None] = ContextVar("checks_run", default=None)


@contextmanager
def run_scope() -> Iterator[None]:
    """Results of ``per_run`` functions are shared until the block ends."""
    token = _RUN.set({})
    try:
        yield
    finally:
        _RUN.reset(token)


def per_run(func: Callable[P, R]) -> Callable[P, R]:
    """``func`` (positional arguments only) computed once per run for the same argument objects. Its result is
    shared between callers: they must not change it (return tuples)."""

    @wraps(func)
    def once(*args: P.args, **kwargs: P.kwargs) -> R:
        memo = _RUN.get()
        if memo is None or kwargs:
            return func(*args, **kwargs)
        key = (func, *map(id, args))
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = (func(*args), args)  # the arguments are kept alive with the result
        return hit[0]  # type: ignore[no-any-return]

    return once
