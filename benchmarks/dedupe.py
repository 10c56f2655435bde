"""Duplicate detection speed: full scan at 100k (database) and 500k (in memory), memory,
and the incremental check while typing at 500k contacts.

Usage: python benchmarks/dedupe.py [--large 500000]
Targets: scan <= 10 s at 100k, <= 60 s at 500k, < 2 GB; one check < 50 ms at 500k.
The baseline is the bare loop over the same candidate pairs with one rapidfuzz ratio call.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import demo_database, percentile, rss_mb  # noqa: E402


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--large", type=int, default=500_000)
    args = parser.parse_args()
    from rapidfuzz.distance import Indel

    from app.core.dedupe.blocking import candidate_pairs
    from app.core.dedupe.incremental import SimilarityIndex, draft_person
    from app.core.dedupe.scan import SUGGESTION_THRESHOLD, group_pairs, scan, score_pairs
    from app.core.dedupe.synthetic import generate
    from app.core.opening import open_database

    database = open_database(str(demo_database(100_000)))
    started = time.perf_counter()
    with database.read() as session:
        groups = scan(session)
    print(
        f"full scan, 100k demo database: {time.perf_counter() - started:.1f} s, {len(groups):,} "
        "groups "
        f"(target <= 10 s); RSS {rss_mb():.0f} MB"
    )

    data = generate(args.large, seed=2)
    started = time.perf_counter()
    pairs = candidate_pairs(data.people)
    blocked = time.perf_counter()
    found = group_pairs(score_pairs(data.people, pairs, threshold=SUGGESTION_THRESHOLD))
    done = time.perf_counter()
    by_id = {p.id: p for p in data.people}
    base_start = time.perf_counter()
    for a, b in pairs:
        Indel.normalized_similarity(by_id[a].last, by_id[b].last)
    baseline = time.perf_counter() - base_start
    print(
        f"full scan with EM, {len(data.people):,} synthetic contacts (in memory): "
        f"{done - started:.1f} s "
        f"(blocking {blocked - started:.1f} s, {len(pairs) / len(data.people):.1f} pairs/record, "
        f"{len(found):,} groups) (target <= 60 s); RSS {rss_mb():.0f} MB (target < 2000 MB)"
    )
    print(
        f"baseline: one bare ratio per candidate pair {baseline:.1f} s; ratio scan/baseline "
        f"{(done - blocked) / baseline:.1f}"
    )

    index = SimilarityIndex(data.people)
    samples = []
    for label, fields in (
        ("name, postcode, e-mail", ("first_name", "last_name", "postcode", "city", "email")),
        ("name alone", ("first_name", "last_name")),
        ("e-mail alone", ("email",)),
    ):
        samples, found = [], 0
        for person in data.people[:: max(1, len(data.people) // 300)]:
            values = {
                "first_name": person.first,
                "last_name": person.last + "e",
                "postcode": person.postcode,
                "city": person.city,
                "email": person.email,
            }
            tick = time.perf_counter()
            found += bool(index.similar(draft_person({f: values[f] for f in fields})))
            samples.append(time.perf_counter() - tick)
        print(
            f"check while typing ({label}) at {len(index):,} contacts: "
            f"p50 {percentile(samples, 50) * 1000:.1f} ms, "
            f"p95 {percentile(samples, 95) * 1000:.1f} ms (target < 50 ms); "
            f"a match shown for {found / len(samples):.0%} of the drafts"
        )


if __name__ == "__main__":
    main()
