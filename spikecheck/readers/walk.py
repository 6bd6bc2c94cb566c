"""A directory walk that no tree depth can crash: os.walk's top-down order, without recursion.

os.walk recurses once per level on Python 3.10 and 3.11, so a log directory nested a
thousand levels deep (a runaway script, a hostile archive) ended in RecursionError. This
walk keeps its own stack: the same (dirpath, dirnames, filenames) triples in the same
order, `dirnames` prunable in place, symbolic links to directories listed but never
entered, and each directory that cannot be opened handed to `onerror`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator


def walk(top: str | os.PathLike, onerror: Callable[[OSError], None] | None = None
         ) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk(top, topdown=True, followlinks=False), iteratively."""
    stack = [os.fspath(top)]
    while stack:
        here = stack.pop()
        try:
            with os.scandir(here) as it:
                entries = list(it)
        except OSError as exc:
            if onerror is not None:
                onerror(exc)
            continue
        dirs, files = [], []
        for entry in entries:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            (dirs if is_dir else files).append(entry.name)
        yield here, dirs, files
        for name in reversed(dirs):  # pushed in reverse: popped in dirnames' order
            path = os.path.join(here, name)
            if not os.path.islink(path):
                stack.append(path)
