"""A time limit on a user's --pattern: a catastrophic expression ends in exit 2, not a hang.

Python's re engine checks for signals while it backtracks, so a SIGALRM timer interrupts a
match in progress. The limit is per chunk of text (chunks.CHUNK_BYTES at most): BASE_SECONDS
plus SECONDS_PER_MB of the chunk, far above what a linear-time expression needs (a few
hundredths of a second per MB) and far below a hang. Where SIGALRM is unavailable (Windows,
a thread other than the main one) there is no limit.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterable, Iterator

from spikecheck.readers.interface import ReadError

BASE_SECONDS = 5.0
SECONDS_PER_MB = 5.0


class _Expired(BaseException):
    """Raised by the timer inside the match; a BaseException so no reader catches it."""


def _can_alarm() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


class PatternTimeLimit:
    """`with PatternTimeLimit(what, source) as limit:` and consume `limit.chunks(...)`: each
    chunk gets BASE_SECONDS + SECONDS_PER_MB of it; past that, ReadError naming `what`
    (the expression) and `source`, one clear line instead of a hang."""

    def __init__(self, what: str, source: str):
        self.what = what
        self.source = source
        self.limit = BASE_SECONDS
        self._armed = _can_alarm()
        self._previous = None

    def __enter__(self) -> PatternTimeLimit:
        if self._armed:
            self._previous = signal.signal(signal.SIGALRM, _expire)
            signal.setitimer(signal.ITIMER_REAL, self.limit)
        return self

    def chunks(self, chunks: Iterable[str]) -> Iterator[str]:
        """The chunks, the timer re-armed for each one by its size."""
        for chunk in chunks:
            self.limit = BASE_SECONDS + SECONDS_PER_MB * len(chunk) / (1 << 20)
            if self._armed:
                signal.setitimer(signal.ITIMER_REAL, self.limit)
            yield chunk

    def __exit__(self, exc_type, _exc, _tb) -> None:
        if self._armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self._previous)
        if exc_type is _Expired:
            raise ReadError(
                f"{self.source}: {self.what} took more than {self.limit:.0f} s on one chunk "
                "and was stopped: an expression with nested or adjacent quantifiers over the "
                "same characters (such as (a+)+, (.*)*, .*.*) backtracks without end; anchor "
                "it (^) and make the parts between fields specific (e.g. [^ ]* instead of .*)"
            ) from None


def _expire(_signum, _frame) -> None:
    raise _Expired
