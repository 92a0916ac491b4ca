"""Linear-time checks for the regex-time tests: growth as a ratio of medians, never an absolute time.

``growth(func, make, n)`` times ``func(make(n))`` and ``func(make(4 n))`` (CPU time of this process, the
median of several samples, each looping until it is long enough to measure) and returns the ratio: about 4
for linear work, 16 for quadratic, far more for exponential. A call that runs past ``HANG_SECONDS`` is
interrupted (the regex engine checks for signals) and reported as a hang: that is a hang detector, not a
speed assertion.

``adversaries(pattern)`` builds candidate strings from the pattern's own literals and character classes
(a unit repeated between a prefix and a suffix that defeats the match), the way catastrophic inputs look.
"""

from __future__ import annotations

import contextlib
import gc
import random
import re
import signal
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from re import _constants as C  # type: ignore[attr-defined]
from re import _parser as P  # type: ignore[attr-defined]

HANG_SECONDS = 10.0
GROWTH_LIMIT = 8.0  # at 4× the length: linear ≈ 4, quadratic ≈ 16
SAMPLES = 3
MIN_SAMPLE = 0.001  # seconds of CPU per sample: loop short calls until a sample is this long


class Hang(Exception):
    pass


@contextlib.contextmanager
def hang_guard(seconds: float = HANG_SECONDS) -> Iterator[None]:
    def fire(*_: object) -> None:
        raise Hang(f"still running after {seconds:.0f} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _sample(func: Callable[[str], object], text: str) -> float:
    loops = 1
    while True:
        start = time.process_time()
        for _ in range(loops):
            func(text)
        spent = time.process_time() - start
        if spent >= MIN_SAMPLE or loops >= 1 << 16:
            return spent / loops
        loops *= 4


def median_seconds(func: Callable[[str], object], text: str, samples: int = SAMPLES) -> float:
    # the collector off while timing: finditer's list of k matches would otherwise be scanned by generational
    # GC passes that grow with k, and read as a superlinear regex (seen: ×8.5 for a pattern matching '免收'*k)
    enabled = gc.isenabled()
    gc.disable()
    try:
        with hang_guard():
            return statistics.median(_sample(func, text) for _ in range(samples))
    finally:
        if enabled:
            gc.enable()


def growth(func: Callable[[str], object], make: Callable[[int], str], n: int) -> float:
    """CPU time at 4 n over CPU time at n (medians)."""
    small, large = make(n), make(4 * n)
    with hang_guard():
        func(small)  # warm caches (compiled patterns, lazy imports)
    return median_seconds(func, large) / max(median_seconds(func, small), 1e-9)


# ------------------------------------------------------------------------------------ adversaries


@dataclass(frozen=True)
class Shape:
    """``prefix + unit * k + suffix``, sized to about n characters."""

    prefix: str
    unit: str
    suffix: str

    def __call__(self, n: int) -> str:
        k = max(1, (n - len(self.prefix) - len(self.suffix)) // max(1, len(self.unit)))
        return self.prefix + self.unit * k + self.suffix

    def __str__(self) -> str:
        return f"{self.prefix!r} + {self.unit!r}*k + {self.suffix!r}"


_CATEGORY_CHARS = {
    C.CATEGORY_DIGIT: "1", C.CATEGORY_NOT_DIGIT: "x", C.CATEGORY_SPACE: " ", C.CATEGORY_NOT_SPACE: "x",
    C.CATEGORY_WORD: "a", C.CATEGORY_NOT_WORD: "-", C.CATEGORY_LINEBREAK: "\n", C.CATEGORY_NOT_LINEBREAK: "x",
}


def _walk(parsed: object, chars: set[str], runs: set[str]) -> None:
    run: list[str] = []
    for op, av in parsed:  # type: ignore[attr-defined]
        if op is C.LITERAL:
            chars.add(chr(av))
            run.append(chr(av))
            continue
        if len(run) > 1:
            runs.add("".join(run))
        run = []
        if op is C.NOT_LITERAL:
            chars.add("中" if chr(av) != "中" else "x")
        elif op is C.IN:
            negate = any(o is C.NEGATE for o, _ in av)
            for o, a in av:
                if o is C.LITERAL and not negate:
                    chars.add(chr(a))
                elif o is C.RANGE and not negate:
                    lo, hi = a
                    chars.update({chr(lo), chr(hi), chr((lo + hi) // 2)})
                elif o is C.CATEGORY:
                    chars.add(_CATEGORY_CHARS.get(a, "x"))
            if negate:
                chars.update({"x", "中", "1", " "})
        elif op is C.ANY:
            chars.add("x")
        elif op is C.BRANCH:
            for branch in av[1]:
                _walk(branch, chars, runs)
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT):
            _walk(av[2], chars, runs)
        elif op is C.SUBPATTERN:
            _walk(av[-1], chars, runs)
        elif op in (C.ATOMIC_GROUP,):
            _walk(av, chars, runs)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            _walk(av[1], chars, runs)
    if len(run) > 1:
        runs.add("".join(run))


def alphabet(pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """The characters a pattern names (one or three per class) and its literal runs."""
    chars: set[str] = set()
    runs: set[str] = set()
    _walk(P.parse(pattern.pattern, pattern.flags), chars, runs)
    return sorted(chars), sorted(runs)


def adversaries(pattern: re.Pattern[str], count: int = 120, seed: int = 0) -> list[Shape]:
    """Candidate catastrophic inputs: units of the pattern's own characters and literals, repeated."""
    chars, runs = alphabet(pattern)
    pieces = chars + runs
    rnd = random.Random(f"{pattern.pattern!r}/{seed}")  # repr: a pattern may hold lone surrogates
    ends = ["", "\x00", "§", *chars, *runs]
    shapes = {Shape("", c, s) for c in pieces for s in ("", "\x00")}
    for _ in range(20 * count):  # a pattern of few characters has fewer distinct shapes than count
        if len(shapes) >= count + 2 * len(pieces):
            break
        unit = "".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 3)))
        shapes.add(Shape(rnd.choice(ends), unit, rnd.choice(ends)))
    return sorted(shapes, key=str)


def worst(func: Callable[[str], object], shapes: list[Shape], n: int, keep: int = 3) -> list[Shape]:
    """The ``keep`` shapes that cost the most at length n (one timing each: a screen, not a measure)."""
    timed = []
    with hang_guard():
        for shape in shapes:
            text = shape(n)
            start = time.process_time()
            func(text)
            timed.append((time.process_time() - start, str(shape), shape))
    timed.sort(reverse=True)
    return [s for _, _, s in timed[:keep]]
