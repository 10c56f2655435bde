"""The sort-based distinct values give exactly what numpy's unique gives."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from app.core.dedupe.arrays import distinct, distinct_with_counts, distinct_with_inverse, union

integers = st.lists(st.integers(-(2**62), 2**62), max_size=300)
few = st.lists(st.integers(0, 6), max_size=300)


@given(st.one_of(integers, few), st.one_of(integers, few))
def test_distinct_values_are_numpy_s(a: list[int], b: list[int]) -> None:
    values = np.array(a, dtype=np.int64)
    expected, inverse, counts = np.unique(values, return_inverse=True, return_counts=True)
    assert np.array_equal(distinct(values), expected)
    found, found_inverse = distinct_with_inverse(values)
    assert np.array_equal(found, expected) and np.array_equal(found_inverse, inverse)
    assert np.array_equal(found[found_inverse], values)
    found, found_counts = distinct_with_counts(values)
    assert np.array_equal(found, expected) and np.array_equal(found_counts, counts)
    other = np.array(b, dtype=np.int64)
    assert np.array_equal(union(values, other), np.union1d(values, other))
