"""Distinct values of integer arrays, by sorting.

Since numpy 2.3, `np.unique` finds distinct values by hashing (numpy issue #30876 asks for
a choice of method, as sorting can win). On the pair codes of a scan sorting wins by far:
the union of the 923,169 candidate pair codes of 114,586 contacts took 1.1 s with
`np.union1d` on numpy 2.4.6 and 0.03 s sorted; a million random int64, 1.2 s against 0.02 s.
"""

from __future__ import annotations

import numpy as np


def _starts(ordered: np.ndarray) -> np.ndarray:
    """True where a sorted array holds a value not seen before."""
    starts = np.empty(len(ordered), dtype=bool)
    if len(ordered):
        starts[0] = True
        np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    return starts


def distinct(values: np.ndarray) -> np.ndarray:
    """The sorted distinct values (np.unique)."""
    ordered: np.ndarray = np.sort(values)
    found: np.ndarray = ordered[_starts(ordered)]
    return found


def distinct_with_inverse(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and, for each value, the index of its distinct value
    (np.unique(return_inverse=True))."""
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    starts = _starts(ordered)
    inverse = np.empty(len(values), dtype=np.intp)
    inverse[order] = np.cumsum(starts) - 1
    return ordered[starts], inverse


def distinct_with_counts(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values and how many times each occurs
    (np.unique(return_counts=True))."""
    ordered = np.sort(values)
    starts = np.flatnonzero(_starts(ordered))
    return ordered[starts], np.diff(np.append(starts, len(ordered)))


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The sorted distinct values of both (np.union1d)."""
    return distinct(np.concatenate((a, b)))
