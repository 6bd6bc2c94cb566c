"""Held-out reading sets: each entry a pytest param, a known miss a strict xfail with its
reason (it must keep failing until it is fixed, then leave the table)."""

from __future__ import annotations

import pytest


def param(item, known: dict[str, str]):
    """`item` as a pytest param named by its .name; a strict xfail when `known` lists it."""
    if item.name in known:
        return pytest.param(item, id=item.name, marks=pytest.mark.xfail(
            strict=True, reason=known[item.name]))
    return pytest.param(item, id=item.name)
