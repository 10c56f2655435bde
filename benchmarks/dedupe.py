"""Duplicate detection speed: full scan at 100k (database) and at a larger size (in memory),
per step (loading, blocking, comparison, EM, scoring), peak memory, a baseline measured in
the same run, and the check while typing at the larger size.

Usage: python benchmarks/dedupe.py [--database 100000] [--large 500000] [--skip-database]
Targets (#20): scan <= 10 s at 100k and <= 60 s at 500k, EM included, < 2 GB; one check
< 50 ms at 500k. The baseline is the bare loop over the same candidate pairs with one
rapidfuzz Indel ratio of the last names per pair: "ratio" says how many such bare loops the
whole comparison step costs. Times are wall-clock seconds with the CPU seconds of the process
(all threads) in brackets: on a shared machine the CPU figure is the steadier one.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import demo_database, percentile  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process so far (MB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def timed_scan(people, label: str) -> None:  # type: ignore[no-untyped-def]
    """Block, compare, train, score and group `people`, printing each step."""
    from rapidfuzz.distance import Indel

    from app.core.dedupe.blocking import candidate_rows
    from app.core.dedupe.scan import scan_people

    timings: dict[str, float] = {}
    wall, cpu = time.perf_counter(), time.process_time()
    groups = scan_people(people, set(), timings=timings)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    steps = ", ".join(
        f"{name} {timings[name]:.1f}" for name in ("blocking", "comparison", "EM", "scoring")
    )
    pairs = int(timings["pairs"])
    print(
        f"{label}: {len(people):,} contacts, {pairs:,} pairs ({pairs / len(people):.1f} per "
        f"contact), {len(groups):,} groups: {wall:.1f} s ({cpu:.1f} s CPU): {steps}; "
        f"peak RSS {peak_mb():.0f} MB",
        flush=True,
    )
    first, second = candidate_rows(people)
    lasts = [p.last for p in people]
    started = time.perf_counter()
    for a, b in zip(first.tolist(), second.tolist(), strict=True):
        Indel.normalized_similarity(lasts[a], lasts[b])
    baseline = time.perf_counter() - started
    print(
        f"  baseline (one bare ratio per pair, same pairs): {baseline:.1f} s; comparison step "
        f"= {timings['comparison'] / baseline:.1f} x baseline",
        flush=True,
    )


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", type=int, default=100_000)
    parser.add_argument("--large", type=int, default=500_000)
    parser.add_argument("--skip-database", action="store_true")
    args = parser.parse_args()
    from app.core.dedupe.incremental import SimilarityIndex, draft_person
    from app.core.dedupe.scan import load_people
    from app.core.dedupe.synthetic import generate
    from app.core.opening import open_database

    if not args.skip_database:
        database = open_database(str(demo_database(args.database)))
        wall, cpu = time.perf_counter(), time.process_time()
        with database.read() as session:
            people = load_people(session)
        print(
            f"loading {len(people):,} contacts from the demo database: "
            f"{time.perf_counter() - wall:.1f} s ({time.process_time() - cpu:.1f} s CPU)"
        )
        timed_scan(people, "full scan, demo database")
        del people

    data = generate(args.large, seed=2)
    timed_scan(data.people, "full scan, French generator (in memory)")

    index = SimilarityIndex(data.people)
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
    print(f"peak RSS {peak_mb():.0f} MB (target < 2000 MB)")


if __name__ == "__main__":
    main()
