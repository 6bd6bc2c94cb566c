"""Memory between the stages of a big run: buffers given back after a read, and (in the
command-line process only) freed memory kept for reuse instead of zeroed anew.

Arrow's buffers are allocated from the system allocator when a reader asks for it
(`arrow_pool()`): glibc then keeps the freed blocks in its arenas until `release()` trims
them. Arrow's own pools (mimalloc, jemalloc) would keep about the size of the table (250 MB
at 10M rows) through the analysis, and their release call once aborted a child process
here, so it is not used.

`reuse_freed_memory()`: by default glibc maps every array over a few megabytes afresh and
unmaps it when freed, so each of the engine's full-size temporaries (80 MB at 10M points)
and each block of a big read comes back as new pages the kernel must zero: at 10M points
about 2.5 s of system time, a third of the run. Raising glibc's mmap and trim thresholds
makes freed blocks reusable (1 s less system time measured on a 10M-line log, the same
peak). It changes the allocator for the whole process, so it is done only in the
command-line process (`cli.run` sets CLI) and only once a reader meets a big input; a
program that imports spikecheck keeps its allocator as it was.
"""

from __future__ import annotations

CLI = False  # set by the command-line entry point: the process is spikecheck's own
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
_KEEP = 1 << 30  # blocks up to this size come from (and return to) the heap
_libc = None  # libc through ctypes; False where it is not glibc
_tuned = False
_big_read = False  # a reader met a big input since the last settle()


def _glibc():
    global _libc
    if _libc is None:
        try:
            import ctypes

            lib = ctypes.CDLL("libc.so.6")
            _libc = lib if hasattr(lib, "malloc_trim") and hasattr(lib, "mallopt") else False
        except (OSError, AttributeError):
            _libc = False
    return _libc


def arrow_pool():
    """The arrow memory pool for big reads: the system allocator (see the module doc)."""
    import pyarrow as pa

    return pa.system_memory_pool()


def release() -> None:
    """Return freed heap memory to the system (glibc's malloc_trim; a no-op elsewhere)."""
    libc = _glibc()
    if libc:
        libc.malloc_trim(0)


def settle() -> None:
    """After a read (its temporaries freed once the reader returned): if it was a big one,
    give the freed memory back now, so the analysis starts from what the series holds
    (at 10M rows of CSV: 300 MB resident instead of 420, and a lower peak)."""
    global _big_read
    if _big_read:
        _big_read = False
        release()


def reuse_freed_memory() -> None:
    """In the command-line process, before a big read: keep freed blocks for reuse (see the
    module doc). Elsewhere, or a second time, nothing."""
    global _tuned, _big_read
    _big_read = True  # anywhere: settle() trims after it
    if not CLI or _tuned:
        return
    _tuned = True
    libc = _glibc()
    if libc:
        libc.mallopt(_M_MMAP_THRESHOLD, _KEEP)
        libc.mallopt(_M_TRIM_THRESHOLD, _KEEP)
