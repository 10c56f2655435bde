"""Duplicate model: comparison levels, EM, term frequencies, blocking completeness, vetoes,
thresholds as settings, suggestions made by the import."""

from __future__ import annotations

import math
import random
from datetime import date

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.core.dedupe.blocking import candidate_pairs, pairs_by_rule
from app.core.dedupe.comparison import (
    FIELD_INDEX,
    MISSING,
    Columns,
    birth_level,
    compare,
    compare_many,
    email_level,
    first_level,
)
from app.core.dedupe.model import EM_ITERATIONS, default_model
from app.core.dedupe.normalise import Person, normalise_row
from app.core.dedupe.scan import (
    Thresholds,
    compare_pairs,
    fit,
    load_thresholds,
    save_thresholds,
    scan,
    scan_people,
)
from app.core.dedupe.scoring import score_pair
from app.core.dedupe.suggestions import suggest_duplicate
from app.core.dedupe.synthetic import generate
from app.core.infrastructure.database import Database
from app.errors import ValidationError
from app.models import Contact, PostalAddress


def _p(i: int, first: str, last: str, **kw):  # type: ignore[no-untyped-def]
    row = {
        "id": i,
        "kind": kw.get("kind", "person"),
        "civility": kw.get("civility", ""),
        "first_name": first,
        "last_name": last,
        "birth_name": kw.get("birth_name", ""),
        "organisation_name": kw.get("organisation_name", ""),
        "siren": kw.get("siren", ""),
        "birth_date": kw.get("birth_date"),
        "email": kw.get("email", ""),
        "phone": kw.get("phone", ""),
        "postcode": kw.get("postcode", "21000"),
        "city": kw.get("city", "Dijon"),
        "street": kw.get("street", "1 rue Haute"),
    }
    return normalise_row(row)


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("jean pierre", "jean pierre", 5),
        ("jean pierre", "j p", 2),
        ("martin", "martine", 6),  # gendered pair
        ("michel", "michelle", 6),
        ("stephanie", "stepahnie", 4),  # Jaro-Winkler >= 0.94
        ("jean", "jean pierre", 3),
        ("paul", "zoe", 0),
        ("", "paul", MISSING),
    ],
)
def test_first_name_levels(x: str, y: str, level: int) -> None:
    assert first_level(x, y) == level


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        (date(1960, 3, 14), date(1960, 3, 14), 4),
        (date(1960, 3, 14), date(1961, 3, 14), 3),  # one digit
        (date(1960, 3, 14), date(1960, 3, 15), 3),
        (date(1960, 3, 4), date(1960, 4, 3), 2),  # day and month swapped
        (date(1960, 3, 4), date(1960, 3, 28), 1),  # same year and month
        (date(1960, 3, 4), date(1930, 3, 4), 0),  # one digit, but thirty years apart
        (date(1960, 3, 4), date(1975, 8, 21), 0),
        (None, date(1975, 8, 21), MISSING),
    ],
)
def test_birth_date_levels(x: date | None, y: date | None, level: int) -> None:
    assert birth_level(x, y) == level


def test_email_typo_level_keeps_numbers_apart() -> None:
    assert email_level("jean.dupont@x.fr", "jean.dupnot@x.fr") == 1
    assert email_level("jean.dupont12@x.fr", "jean.dupont13@x.fr") == 0


def test_array_comparison_matches_the_pair_comparison() -> None:
    data = generate(400, seed=5)
    people = data.people
    rng = random.Random(3)
    pairs = sorted(candidate_pairs(people))[:300] + [
        tuple(sorted(rng.sample(range(len(people)), 2))) for _ in range(100)
    ]
    row_of = {p.id: row for row, p in enumerate(people)}
    ids = pairs[:300]
    pairs = [(row_of[a], row_of[b]) for a, b in ids] + pairs[300:]
    rows = np.array(pairs)
    levels, swapped = compare_many(Columns(people), rows[:, 0], rows[:, 1])
    for index, (a, b) in enumerate(pairs):
        expected, crossed = compare(people[a], people[b])
        assert tuple(levels[index].tolist()) == expected, (people[a], people[b])
        assert bool(swapped[index]) == crossed


def test_em_converges_on_a_small_synthetic_set_and_finds_the_share_of_duplicates() -> None:
    data = generate(3000, seed=11)
    pairs = candidate_pairs(data.people)
    compared = compare_pairs(data.people, sorted(pairs))
    model = fit(data.people, compared)
    assert 0 < model.iterations < EM_ITERATIONS
    # the prior is the share of duplicates among all pairs of contacts
    expected = model.prior * len(data.people) * (len(data.people) - 1) / 2
    assert len(data.true_pairs) / 2 < expected < len(data.true_pairs) * 2
    # a duplicate scores far above a non-duplicate with the trained model
    chances = [score_pair(*_ends(data, pair), model=model).probability for pair in data.true_pairs]
    assert np.mean(np.array(chances) >= 0.8) > 0.95


def _ends(data, pair):  # type: ignore[no-untyped-def]
    by_id = {p.id: p for p in data.people}
    return by_id[pair[0]], by_id[pair[1]]


def test_term_frequency_a_shared_rare_name_weighs_more_than_a_common_one() -> None:
    people = [_p(i, "Jean", "Martin", street=f"{i} rue Basse") for i in range(1, 60)]
    people += [_p(100, "Jean", "Kerguelen"), _p(101, "Jean", "Kerguelen", street="9 rue Neuve")]
    compared = compare_pairs(people, sorted(candidate_pairs(people)))
    model = fit(people, compared)
    assert model.tf_bits("last", "kerguelen") > 0 > model.tf_bits("last", "martin")
    common = score_pair(people[0], people[1], model=model)
    rare = score_pair(people[-2], people[-1], model=model)
    assert rare.probability > common.probability


def test_blocking_keeps_the_true_pairs_of_a_small_labelled_set() -> None:
    data = generate(3000, seed=4)
    rules = pairs_by_rule(data.people)
    union = set().union(*rules.values())
    assert len(union & data.true_pairs) / len(data.true_pairs) >= 0.995
    assert len(union) / len(data.people) < 50
    assert {"date de naissance", "code postal + numéro", "voisinage trié"} <= set(rules)


def test_blocking_finds_swapped_names_with_a_typo_and_a_typed_birth_date_alone() -> None:
    a = _p(1, "Jean", "Kerguelen", postcode="29000", city="Quimper", street="")
    b = _p(2, "Kergeulen", "Jean", postcode="75001", city="Paris", street="")
    assert (1, 2) in candidate_pairs([a, b])
    c = _p(3, "Anne", "Durand", birth_date=date(1950, 2, 3), postcode="", city="", street="")
    d = _p(4, "Annie", "Dupré", birth_date=date(1950, 2, 3), postcode="13001", street="")
    assert (3, 4) in candidate_pairs([c, d])


def test_vetoes_are_strong_negative_evidence_but_a_typo_in_a_birth_date_is_not() -> None:
    born = date(1960, 1, 1)
    typo = score_pair(
        _p(1, "Jean", "Durand", birth_date=born, email="j@x.fr"),
        _p(2, "Jean", "Durand", birth_date=date(1961, 1, 1), email="j@x.fr"),
    )
    assert typo.score >= 80 and not typo.veto
    gendered = score_pair(_p(1, "Martin", "Durand", email="d@x.fr"), _p(2, "Martine", "Durand"))
    assert gendered.veto == "prénoms masculin/féminin" and gendered.score < 1
    civility = score_pair(
        _p(1, "Claude", "Durand", civility="M.", email="c@x.fr"),
        _p(2, "Claude", "Durand", civility="Mme", email="c@x.fr"),
    )
    assert civility.veto and civility.score < 80
    # a different SIREN is absolute, even with everything else shared
    siren = score_pair(
        _p(1, "", "", kind="organisation", organisation_name="Les Amis", siren="552100554"),
        _p(2, "", "", kind="organisation", organisation_name="Les Amis", siren="732829320"),
    )
    assert siren.score == 0


def test_not_a_duplicate_is_absolute_in_a_scan() -> None:
    people = [_p(1, "Jean", "Durand", email="j@x.fr"), _p(2, "Jean", "Durand", email="j@x.fr")]
    assert [g.member_ids for g in scan_people(people, set())] == [(1, 2)]
    assert scan_people(people, {(1, 2)}) == []


def test_reasons_are_per_field_evidence_with_weights() -> None:
    result = score_pair(
        _p(1, "Jean", "Durand", email="j@x.fr"), _p(2, "Jean", "Durand", email="j@x.fr")
    )
    statuses = {e.field: e.status for e in result.evidence}
    assert statuses["courriel"] == "agree" and statuses["téléphone"] == "missing"
    assert "même courriel (+" in result.reasons_text()


def test_thresholds_are_probability_settings(db: Database) -> None:
    with db.read() as session:
        assert load_thresholds(session) == Thresholds()
    with db.write() as session:
        save_thresholds(session, Thresholds(0.7, 0.995))
    with db.read() as session:
        assert load_thresholds(session) == Thresholds(0.7, 0.995)
    with pytest.raises(ValidationError), db.write() as session:
        save_thresholds(session, Thresholds(0.99, 0.5))


def test_a_pair_suggested_by_the_import_is_shown_until_marked_different(db: Database) -> None:
    with db.write() as session:
        ids = []
        for first, street in (("Paul", "3 rue Basse"), ("Pierre", "40 avenue Foch")):
            contact = Contact(civility="M.", first_name=first, last_name="Lenoir")
            contact.addresses.append(PostalAddress(line4=street, postcode="21000", city="Dijon"))
            session.add(contact)
            session.flush()
            ids.append(contact.id)
    with db.read() as session:
        assert scan(session) == []
    with db.write() as session:
        assert suggest_duplicate(session, ids[1], ids[0], reason="même nom et code postal")
        assert not suggest_duplicate(session, ids[0], ids[1], reason="again")
    with db.read() as session:
        groups = scan(session)
    assert [g.member_ids for g in groups] == [tuple(ids)] and not groups[0].safe
    assert groups[0].reasons[0] == "signalé : même nom et code postal"
    from app.core.dedupe.merge import mark_not_duplicate

    with db.write() as session:
        mark_not_duplicate(session, ids[0], ids[1])
    with db.read() as session:
        assert scan(session) == []


def test_default_model_has_a_weight_for_every_level() -> None:
    tables = default_model().weight_table()
    assert all(np.isfinite(t).all() for t in tables)


def test_cli_scan_json_gives_evidence_and_thresholds_are_set_from_the_cli(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    import json

    from app.cli import run_cli
    from app.core.opening import open_database
    from app.models import ContactEmail

    target = tmp_path / "asso.sqlite3"
    assert run_cli(["init", "--db", str(target)]) == 0
    database = open_database(str(target))
    with database.write() as session:
        for first in ("Hélène", "Helene"):
            contact = Contact(civility="Mme", first_name=first, last_name="Lefèvre")
            contact.emails.append(ContactEmail(email="h@exemple.fr"))
            session.add(contact)
    database.dispose()
    capsys.readouterr()
    assert run_cli(["dedupe", "scan", "--db", str(target), "--json"]) == 0
    group = json.loads(capsys.readouterr().out)["groups"][0]
    assert 0.8 <= group["probability"] <= 1
    evidence = {e["field"]: e for e in group["evidence"]}
    assert evidence["courriel"]["status"] == "agree" and evidence["courriel"]["weight"] > 0
    assert evidence["téléphone"]["status"] == "missing"
    assert run_cli(["dedupe", "thresholds", "--db", str(target), "--safe", "0.995", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"suggestion": 0.8, "safe": 0.995}


# --- issue #20, second round: label-free training, namesakes at one address, OCR and short
# forms of names, vectorised comparison and blocking -------------------------------------


@pytest.mark.parametrize(
    ("x", "y", "level"),
    [
        ("zoe", "z0e", 4),  # a scanner's 0 for o
        ("marc", "rnarc", 4),  # rn read for m
        ("luc", "lvc", 3),  # one typing error in a short name
        ("sebastien", "seb", 3),  # a short form
        ("veronique", "vero", 3),
        ("martin", "martine", 6),  # still a gendered pair, not a typo
    ],
)
def test_ocr_confusions_typos_and_short_forms_of_first_names(x: str, y: str, level: int) -> None:
    assert first_level(x, y) == level


def test_a_swapped_name_with_a_particle_is_compared_crossed() -> None:
    a = _p(1, "Le Gall", "Océane", street="")
    b = _p(2, "Océane", "Le Gall", street="")
    levels, swapped = compare(a, b)
    assert swapped and levels[0] >= 3 and levels[1] == 4


NAME_PARTS = st.sampled_from(
    [
        "jean",
        "jeanne",
        "marie",
        "le",
        "de",
        "gall",
        "z0e",
        "zoe",
        "rnarc",
        "marc",
        "seb",
        "sebastien",
        "luc",
        "lvc",
        "kerguelen",
        "kergeulen",
        "j",
        "p",
        "martin",
        "martine",
    ]
)
NAMES = st.lists(NAME_PARTS, min_size=0, max_size=3).map(" ".join)


@given(st.lists(st.tuples(NAMES, NAMES, NAMES), min_size=2, max_size=12))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_vectorised_comparison_gives_the_levels_of_the_pair_comparison(rows) -> None:  # type: ignore[no-untyped-def]
    people = [
        _p(i, first, last, birth_name=birth, street=f"{i % 3} rue {last}")
        for i, (first, last, birth) in enumerate(rows, start=1)
    ]
    index = np.array([(a, b) for a in range(len(people)) for b in range(len(people)) if a != b])
    levels, swapped = compare_many(Columns(people), index[:, 0], index[:, 1])
    for row, (a, b) in enumerate(index.tolist()):
        expected, crossed = compare(people[a], people[b])
        assert tuple(levels[row].tolist()) == expected, (people[a], people[b])
        assert bool(swapped[row]) == crossed


def test_numpy_blocking_finds_the_same_pairs_as_the_rules_one_by_one() -> None:
    data = generate(2000, seed=8)
    union = set().union(*pairs_by_rule(data.people).values())
    assert candidate_pairs(data.people) == union


def test_training_is_label_free_and_finds_the_labelled_m() -> None:
    from app.core.dedupe.model import estimate_from_labels

    data = generate(3000, seed=12)
    compared = compare_pairs(data.people, sorted(candidate_pairs(data.people)))
    model = fit(data.people, compared)  # from the generic start of default_model.py
    ids = np.array([p.id for p in data.people])
    truth = np.array(
        [
            (a, b) in data.true_pairs
            for a, b in zip(ids[compared.first], ids[compared.second], strict=True)
        ]
    )
    labelled = estimate_from_labels(compared.levels, truth)
    for field, level in (("first", 5), ("last", 4), ("birth", 4), ("email", 2), ("place", 3)):
        f = FIELD_INDEX[field]
        assert abs(model.m[f][level] - labelled.m[f][level]) < 0.08, field


def test_namesakes_sharing_an_address_are_told_apart_by_a_birth_date() -> None:
    rng = random.Random(5)
    people, next_id = [], 1
    firsts = ["Jean", "Paul", "Louis", "Marc", "Luc", "Yves", "René", "Guy", "Hugo", "Noël"]
    firsts += ["Rémi", "Éric", "Alain", "Bruno", "Denis", "Gilles", "Henri", "Joël", "Loïc"]
    lasts = ["Durand", "Morel", "Lenoir", "Petit", "Roux", "Faure", "Blanc", "Garnier", "Brun"]
    lasts += ["Caron", "Dumont", "Fontaine", "Gauthier", "Hamon", "Joly", "Leroux", "Marin"]

    def man(first: str, last: str, street: str, born: date | None, email: str):  # type: ignore[no-untyped-def]
        nonlocal next_id
        people.append(
            _p(next_id, first, last, civility="M.", street=street, birth_date=born, email=email)
        )
        next_id += 1

    for _ in range(1500):
        first, last = rng.choice(firsts), rng.choice(lasts)
        street = f"{rng.randint(1, 90)} rue {rng.choice(['Haute', 'Basse', 'Neuve'])}"
        born = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
        email = f"m{next_id}@exemple.fr" if rng.random() < 0.5 else ""
        man(first, last, street, born, email)
        if rng.random() < 0.1:  # father and son of one name at one address
            son = date(born.year + 25, born.month, born.day) if born.year < 1975 else None
            man(first, last, street, son, f"s{next_id}@exemple.fr" if rng.random() < 0.5 else "")
        if rng.random() < 0.15:  # the same man typed twice
            man(first, last, street, born if rng.random() < 0.7 else None, email)
    compared = compare_pairs(people, sorted(candidate_pairs(people)))
    model = fit(people, compared)
    street = FIELD_INDEX["street"]
    assert model.u_named is not None and model.u_named[street][3] > 10 * model.u[street][3]
    father = _p(
        1, "Jean", "Durand", civility="M.", street="3 rue Haute", birth_date=date(1950, 1, 2)
    )
    son = _p(2, "Jean", "Durand", civility="M.", street="3 rue Haute", birth_date=date(1978, 5, 6))
    twice = _p(
        3, "Jean", "Durand", civility="M.", street="3 rue Haute", birth_date=date(1950, 1, 2)
    )
    assert score_pair(father, son, model=model).probability < 0.5
    assert score_pair(father, twice, model=model).probability > 0.99


def test_check_while_typing_finds_a_name_in_a_block_too_large_to_score_whole() -> None:
    from app.core.dedupe.blocking import keys_of
    from app.core.dedupe.incremental import LARGE_BLOCK, SimilarityIndex, draft_person

    firsts = ["Jeanne", "Jeannot", "Jehan", "Joan", "Joanne", "Juan", "Jane"]
    people = [
        _p(i, firsts[i % len(firsts)], f"Martin{'e' * (i % 3)}", street=f"{i} rue Basse")
        for i in range(1, 4 * LARGE_BLOCK)
    ]
    people.append(_p(999, "Jean", "Martin", street="2 rue Haute"))
    index = SimilarityIndex(people)
    draft = draft_person({"first_name": "Jean", "last_name": "Martin"})
    assert max(len(index._blocks[key]) for key in keys_of(draft)) > LARGE_BLOCK
    found = index.similar(draft)
    assert found and found[0].b == 999


def test_a_near_agreement_never_weighs_more_than_an_exact_one() -> None:
    from app.core.dedupe.comparison import FIELDS
    from app.core.dedupe.model import Model

    base = default_model()
    first = FIELD_INDEX["first"]
    m = [list(x) for x in base.m]
    u = [list(x) for x in base.u]
    u[first][2] = 1e-7  # initials almost never seen among different people: a huge ratio
    skewed = Model(m, u, base.prior)
    for model in (base, skewed):
        for spec, table in zip(FIELDS, model.weight_table(), strict=True):
            exact = [table[i] for i, lv in enumerate(spec.levels) if lv.status == "agree"]
            for i, level in enumerate(spec.levels):
                if level.status == "close" and exact:
                    assert table[i] <= min(exact) + 1e-9, (spec.name, level.label)
    claire = _p(1, "Claire", "Besson", street="92 chemin du Lavoir")
    initial = _p(2, "C", "Besson", street="70 rue des Prés")
    assert score_pair(claire, initial, model=skewed).probability < 0.8


def test_swapped_names_with_a_typo_meet_in_the_sorted_order() -> None:
    people = [
        _p(i, f"Prenom{i:03d}", f"Nom{i:03d}", postcode=f"{10000 + i}", street="")
        for i in range(1, 200)
    ]
    a = _p(500, "Oceane", "Gallou", postcode="29200", city="Brest", street="")
    b = _p(501, "Gallov", "Oceane", postcode="13005", city="Marseille", street="")  # OCR u/v
    people += [a, b]
    assert (500, 501) in candidate_pairs(people)
    assert candidate_pairs(people) == set().union(*pairs_by_rule(people).values())


def _families(seed: int, namesake_rate: float):  # type: ignore[no-untyped-def]
    """Men of 40 first names and 400 last names; `namesake_rate` of them have a namesake
    relative (own birth date, own e-mail); 15 % are typed twice."""
    rng = random.Random(seed)
    syllables = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu"]
    firsts = [(a + b).capitalize() for a in syllables[:4] for b in syllables]
    lasts = [(a + b + c).capitalize() for a in syllables[:4] for b in syllables for c in syllables]
    people, next_id = [], 1

    def add(first: str, last: str, born: date, email: str, postcode: str) -> None:
        nonlocal next_id
        people.append(
            _p(
                next_id,
                first,
                last,
                civility="M.",
                birth_date=born,
                email=email,
                postcode=postcode,
                street=f"{rng.randint(1, 99)} rue Haute",
            )
        )
        next_id += 1

    for _ in range(1200):
        first, last = rng.choice(firsts), rng.choice(lasts)
        born = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
        email, postcode = f"m{next_id}@exemple.fr", f"{rng.randint(10, 95)}000"
        add(first, last, born, email, postcode)
        if rng.random() < namesake_rate:
            other = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
            add(first, last, other, f"r{next_id}@exemple.fr", f"{rng.randint(10, 95)}000")
        if rng.random() < 0.15:
            add(first, last, born, email, postcode)
    return people


def test_a_file_where_namesakes_are_common_weighs_a_shared_full_name_less() -> None:
    from app.core.dedupe.scoring import NAMESAKES_LABEL

    models = {}
    for rate in (0.0, 0.6):
        people = _families(3, rate)
        model = fit(people, compare_pairs(people, sorted(candidate_pairs(people))))
        models[rate] = model
    assert models[0.0].named_bits > -0.5  # names drawn independently: (almost) no change
    assert models[0.6].named_bits < models[0.0].named_bits - 1
    a = _p(1, "Bace", "Bacedi", civility="M.", postcode="29000", street="")
    b = _p(2, "Bace", "Bacedi", civility="M.", postcode="75001", street="")
    many = score_pair(a, b, model=models[0.6])
    few = score_pair(a, b, model=models[0.0])
    assert many.probability < few.probability
    assert NAMESAKES_LABEL in many.reasons


def test_a_file_where_every_duplicate_has_initials_still_finds_them_safe() -> None:
    """EM sees no exact first name among duplicates there: the exact level must not turn
    into evidence against, nor drag the initials with it (found by the crash test)."""
    people = []
    for i in range(400):
        for n, first in enumerate(("Jean-Pierre", "J.-P.")):
            people.append(
                _p(
                    2 * i + n + 1,
                    first,
                    f"Dupont{i}",
                    civility="M.",
                    email=f"jp{i}@exemple.fr",
                    postcode="",
                    city="",
                    street="",
                )
            )
    groups = scan_people(people, set())
    assert len(groups) == 400 and all(g.safe for g in groups)
    model = fit(people, compare_pairs(people, sorted(candidate_pairs(people))))
    first = model.weight_table()[FIELD_INDEX["first"]]
    assert first[5] >= 0 and first[2] <= first[5]


@settings(max_examples=60, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 40), st.tuples(st.integers(1, 9), st.integers(0, 9)), max_size=8
    ),
    st.lists(st.tuples(st.integers(0, 50), st.floats(0, 1)), max_size=60),
)
def test_decisions_adjust_each_pair_by_its_own_vector(counts, pairs) -> None:  # type: ignore[no-untyped-def]
    from app.core.dedupe.decisions import WEIGHT, Tally

    counts = {code: (decided, min(merged, decided)) for code, (decided, merged) in counts.items()}
    codes = np.array([c for c, _p in pairs], dtype=np.int64)
    chances = np.array([p for _c, p in pairs], dtype=float)
    adjusted = Tally(counts).adjust(codes, chances)
    for code, p, q in zip(codes.tolist(), chances.tolist(), adjusted.tolist(), strict=True):
        decided, merged = counts.get(code, (0, 0))
        assert q == pytest.approx((WEIGHT * p + merged) / (WEIGHT + decided))


def _person(pid: int, first: str, last: str, **values: str | None) -> Person:
    """A contact as the scan reads it: these values, every other field empty."""
    empty = ("civility", "birth_name", "organisation_name", "siren", "birth_date", "phone")
    row: dict[str, object] = {name: None for name in (*empty, "email")}
    row |= {"street": "", "postcode": "", "city": "", "kind": "person"}
    return normalise_row(row | {"id": pid, "first_name": first, "last_name": last} | values)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.floats(-30, 30), st.booleans()), max_size=40), st.data())
def test_decisions_shift_the_namesake_bits_to_their_most_likely_value(pairs, data) -> None:  # type: ignore[no-untyped-def]
    """The shift is the maximum of the penalised likelihood, and one more merge never
    lowers it (one more "pas un doublon" never raises it)."""
    from app.core.dedupe.decisions import SPREAD, shift

    bits = np.array([b for b, _same in pairs], dtype=float)
    same = np.array([s for _b, s in pairs], dtype=float)
    d = shift(bits, same)
    p = 1 / (1 + np.exp2(-(bits + d)))
    assert math.log(2) * float((same - p).sum()) - d / SPREAD**2 == pytest.approx(0, abs=1e-6)
    assert d == 0.0 if not pairs else abs(d) <= math.log(2) * SPREAD**2 * len(pairs)
    extra = data.draw(st.floats(-30, 30))
    more = shift(np.append(bits, extra), np.append(same, 1.0))
    fewer = shift(np.append(bits, extra), np.append(same, 0.0))
    assert fewer - 1e-9 <= d <= more + 1e-9


def test_decisions_on_one_name_move_only_the_pairs_the_name_alone_links() -> None:
    from app.core.dedupe.decisions import Decision, tally, teach
    from app.core.dedupe.model import name_only_rows, pair_bits

    def person(pid: int, postcode: str, city: str, **extra: str) -> Person:
        return _person(pid, "Yann", "Kerdaniel", postcode=postcode, city=city, **extra)

    model = default_model()
    pairs = [
        (person(2 * i, "29200", "Brest"), person(2 * i + 1, "13005", "Marseille")) for i in range(4)
    ]
    assert teach(model, tally(Decision(a, b, same=True) for a, b in pairs[:0])) is model
    merged = teach(model, tally(Decision(a, b, same=True) for a, b in pairs))
    refused = teach(model, tally(Decision(a, b, same=False) for a, b in pairs))
    assert merged.decided_bits > 0 > refused.decided_bits
    assert merged.named_decisions == (4, 4) and refused.named_decisions == (4, 0)
    assert teach(merged, tally(Decision(a, b, same=True) for a, b in pairs)).decided_bits == (
        pytest.approx(merged.decided_bits)  # taught anew, not twice
    )
    name_only = compare(person(10, "75011", "Paris"), person(11, "69003", "Lyon"))[0]
    with_email = compare(
        person(12, "75011", "Paris", email="y@k.fr"), person(13, "69003", "Lyon", email="y@k.fr")
    )[0]
    levels = np.array([name_only, with_email], dtype=np.int8)
    assert name_only_rows(levels).tolist() == [True, False]
    base, up, down = (pair_bits(m, levels) for m in (model, merged, refused))
    assert down[0] < base[0] < up[0] and down[1] == base[1] == up[1]
    assert "vos décisions sur des personnes de même nom : 4 fusions, 0 « pas un doublon »" in (
        score_pair(person(10, "75011", "Paris"), person(11, "69003", "Lyon"), model=merged).reasons
    )


def test_reasons_speak_the_language_of_the_interface() -> None:
    from app.i18n import set_language

    def person(pid: int, kind: str, first: str, last: str, email: str) -> Person:
        organisation = last if kind == "organisation" else None
        return _person(pid, first, last, kind=kind, organisation_name=organisation, email=email)

    pair = (person(1, "person", "Yann", "Kerdaniel", "y@k.fr"),) * 2
    swapped = (
        person(1, "person", "Yann", "Kerdaniel", "y@k.fr"),
        person(2, "person", "Kerdaniel", "Yann", "y@k.fr"),
    )
    set_language("en")
    try:
        reasons = score_pair(*pair).reasons_text()
        assert "same e-mail (+" in reasons and "same last name" in reasons
        assert "," not in reasons.split("same e-mail (")[1].split(")")[0]  # +12.0, not +12,0
        assert "first and last name swapped ; same last name" in score_pair(*swapped).reasons
    finally:
        set_language("fr")
    french = score_pair(*pair).reasons_text()
    assert "même courriel (+" in french and "même nom" in french
    firms = (
        person(3, "organisation", "", "Moulin SARL", "c@m.fr"),
        person(4, "organisation", "", "Boulangerie Dupain", "c@m.fr"),
    )
    assert "raisons sociales différentes" in score_pair(*firms).reasons  # was "raison sociales"
