"""Giving memory back to the system after a big read, so the analysis does not start on
top of buffers the reader no longer holds.

Arrow's buffers are allocated from the system allocator when a reader asks for it
(`arrow_pool()`): glibc then keeps the freed blocks in its arenas until `release()` trims
them. Arrow's own pools (mimalloc, jemalloc) would keep about the size of the table (250 MB
at 10M rows) through the analysis, and their release call once aborted a child process
here, so it is not used.
"""

from __future__ import annotations

_trim = None  # libc's malloc_trim, False where there is none (not glibc)


def arrow_pool():
    """The arrow memory pool for big reads: the system allocator (see the module doc)."""
    import pyarrow as pa

    return pa.system_memory_pool()


def release() -> None:
    """Return freed heap memory to the system (glibc's malloc_trim; a no-op elsewhere)."""
    global _trim
    if _trim is None:
        try:
            import ctypes

            _trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _trim = False
    if _trim:
        _trim(0)
