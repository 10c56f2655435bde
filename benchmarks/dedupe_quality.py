"""Precision, recall and F1 per threshold on labelled French data, and blocking completeness.

Usage: python benchmarks/dedupe_quality.py [--count 20000] [--seed 1]
Targets (#20): F1 >= 0.99, precision >= 0.995 at the suggestion threshold (a probability),
blocking keeps >= 99.5% of true pairs; each blocking rule's completeness is printed.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    """Print the quality table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    from app.core.dedupe.blocking import pairs_by_rule
    from app.core.dedupe.scan import SUGGESTION_THRESHOLD, score_pairs
    from app.core.dedupe.synthetic import generate

    data = generate(args.count, seed=args.seed)
    rules = pairs_by_rule(data.people)
    pairs = set().union(*rules.values())
    kept = len(data.true_pairs & pairs) / len(data.true_pairs)
    print(f"records: {len(data.people):,}  true pairs: {len(data.true_pairs):,}")
    print(
        f"blocking: {len(pairs):,} candidate pairs ({len(pairs) / len(data.people):.1f} per "
        "record), "
        f"pair completeness {kept:.4f} (target >= 0.995)"
    )
    for rule, found in rules.items():
        share = len(found & data.true_pairs) / len(data.true_pairs)
        print(f"  rule {rule:<22} {len(found):>9,} pairs, completeness alone {share:.3f}")
    scores = score_pairs(data.people, pairs, threshold=0.01)
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    for threshold in (0.3, 0.5, 0.7, SUGGESTION_THRESHOLD, 0.9, 0.95, 0.99):
        found = {(s.a, s.b) for s in scores if s.probability >= threshold}
        tp = len(found & data.true_pairs)
        precision = tp / len(found) if found else 1.0
        recall = tp / len(data.true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        mark = "  <- suggestion threshold" if threshold == SUGGESTION_THRESHOLD else ""
        print(f"{threshold:9.2f} {precision:9.3f} {recall:7.3f} {f1:6.3f}{mark}")


if __name__ == "__main__":
    main()
