"""Precision, recall and F1 per threshold on labelled French data, and blocking completeness.

Usage: python benchmarks/dedupe_quality.py [--count 20000] [--seed 1]
Targets: F1 >= 0.96, precision >= 0.99 at the suggestion threshold, blocking keeps >= 98% of
true pairs at <= 50 candidate pairs per record.
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
    from app.core.dedupe.blocking import candidate_pairs
    from app.core.dedupe.scan import SUGGESTION_THRESHOLD, score_pairs
    from app.core.dedupe.synthetic import generate

    data = generate(args.count, seed=args.seed)
    pairs = candidate_pairs(data.people)
    kept = len(data.true_pairs & pairs) / len(data.true_pairs)
    print(f"records: {len(data.people):,}  true pairs: {len(data.true_pairs):,}")
    print(
        f"blocking: {len(pairs):,} candidate pairs ({len(pairs) / len(data.people):.1f} per "
        "record), "
        f"pair completeness {kept:.3f} (target >= 0.98)"
    )
    scores = score_pairs(data.people, pairs, threshold=0)
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6}")
    for threshold in (60, 65, 70, 75, SUGGESTION_THRESHOLD, 85, 90, 95):
        found = {(s.a, s.b) for s in scores if s.score >= threshold}
        tp = len(found & data.true_pairs)
        precision = tp / len(found) if found else 1.0
        recall = tp / len(data.true_pairs)
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        mark = "  <- suggestion threshold" if threshold == SUGGESTION_THRESHOLD else ""
        print(f"{threshold:9.0f} {precision:9.3f} {recall:7.3f} {f1:6.3f}{mark}")


if __name__ == "__main__":
    main()
