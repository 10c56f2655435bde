"""Duplicates: French name matching, vetoes, blocking, merge and exact undo."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from app.core.contacts.consents import current_consents, record_consent
from app.core.dedupe.incremental import SimilarityIndex, draft_person
from app.core.dedupe.merge import mark_not_duplicate, merge, undo
from app.core.dedupe.normalise import normalise_row, phonetic
from app.core.dedupe.scan import scan
from app.core.dedupe.scoring import score_pair
from app.core.infrastructure.database import Database
from app.core.opening import open_database
from app.errors import Conflict
from app.models import (
    AuditEvent,
    ConsentEvent,
    Contact,
    ContactEmail,
    ContactPhone,
    Gift,
    PostalAddress,
    Receipt,
    Tag,
    contact_tags,
)
from app.models.enums import (
    Channel,
    ConsentStatus,
    ContactStatus,
    PaymentMethod,
    ReceiptKind,
    ReceiptMode,
)
from tests.factories import make_contact


def _p(i: int, first: str, last: str, **kw):  # type: ignore[no-untyped-def]
    row = {
        "id": i,
        "kind": "person",
        "civility": kw.get("civility", ""),
        "first_name": first,
        "last_name": last,
        "birth_name": kw.get("birth_name", ""),
        "organisation_name": "",
        "siren": "",
        "birth_date": kw.get("birth_date"),
        "email": kw.get("email", ""),
        "phone": kw.get("phone", ""),
        "postcode": kw.get("postcode", "21000"),
        "city": kw.get("city", "Dijon"),
        "street": kw.get("street", "1 rue Haute"),
    }
    return normalise_row(row)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Jean-Pierre", "Dupont"), ("J.-P.", "DUPONT")),
        (("Jean-Pierre", "Dupont"), ("Jean-Pierre", "Dupond")),
        (("Hélène", "Lefèvre"), ("Helene", "LEFEVRE")),
        (("Dupont", "Jean"), ("Jean", "Dupont")),
        (("Marie", "de La Fontaine"), ("Marie", "Lafontaine")),
    ],
)
def test_same_person_typed_differently_scores_high(a, b) -> None:  # type: ignore[no-untyped-def]
    assert score_pair(_p(1, *a), _p(2, *b)).score >= 80


@pytest.mark.parametrize(
    ("a", "b"), [("Martin", "Martine"), ("Michel", "Michelle"), ("Daniel", "Danielle")]
)
def test_gendered_pairs_are_different_people(a: str, b: str) -> None:
    assert score_pair(_p(1, a, "Durand"), _p(2, b, "Durand")).score == 0


def test_namesakes_in_the_same_town_are_not_suggested_without_corroboration() -> None:
    a, b = (
        _p(1, "Jean", "Martin", street="3 rue Basse"),
        _p(2, "Jean", "Martin", street="40 avenue Foch"),
    )
    assert score_pair(a, b).score < 80
    b_same_phone = _p(2, "Jean", "Martin", street="40 avenue Foch", phone="0612345678")
    a_same_phone = _p(1, "Jean", "Martin", street="3 rue Basse", phone="0612345678")
    assert score_pair(a_same_phone, b_same_phone).score >= 80


def test_vetoes() -> None:
    # Issue #20 changed this rule: a birth date one digit off (1960/1961) is a typing error
    # level, no longer a veto; a really different birth date stays strong negative evidence.
    born = {"birth_date": date(1960, 1, 1)}
    different = score_pair(
        _p(1, "Jean", "Durand", **born), _p(2, "Jean", "Durand", birth_date=date(1975, 6, 12))
    )
    assert different.veto and different.score < 80
    assert score_pair(
        _p(1, "Claude", "Durand", civility="M."), _p(2, "Claude", "Durand", civility="Mme")
    ).veto


def test_phonetic_key_groups_spelling_variants() -> None:
    assert phonetic("Lefèvre") == phonetic("Lefebvre")
    assert phonetic("Philippe") == phonetic("Filipe")


def _contact(
    session, first: str, last: str, *, email: str = "", phone: str = "", tag: Tag | None = None
) -> Contact:  # type: ignore[no-untyped-def]
    return make_contact(
        session,
        last,
        first_name=first,
        civility="Mme",
        email=email,
        phone=phone,
        tags=[tag] if tag is not None else (),
    )


def _state(database: Database) -> dict[str, list[tuple]]:  # type: ignore[type-arg]
    tables = {
        "contact": Contact,
        "email": ContactEmail,
        "phone": ContactPhone,
        "address": PostalAddress,
        "gift": Gift,
        "consent": ConsentEvent,
        "receipt": Receipt,
    }
    with database.read() as session:
        state = {
            name: [tuple(r) for r in session.execute(select(model.__table__).order_by(model.id))]
            for name, model in tables.items()
        }
        state["tags"] = sorted(tuple(r) for r in session.execute(select(contact_tags)))
    return state


def _fixture(database: Database) -> tuple[int, int]:
    with database.write() as session:
        tag = Tag(name="Bénévole")
        a = _contact(session, "Hélène", "Dupont", email="h@exemple.fr", tag=tag)
        b = _contact(session, "Helene", "DUPONT", email="helene@autre.fr", phone="+33612345678")
        session.add(
            Gift(
                contact_id=b.id,
                received_on=date(2025, 1, 1),
                amount_cents=5000,
                payment_method=PaymentMethod.CASH,
            )
        )
        session.add(
            Receipt(
                number="2025-00001",
                year=2025,
                sequence=1,
                kind=ReceiptKind.INDIVIDUAL,
                mode=ReceiptMode.PER_GIFT,
                contact_id=b.id,
                period_start=date(2025, 1, 1),
                period_end=date(2025, 1, 1),
                total_cents=5000,
                snapshot={"n": 1},
                issued_at=datetime(2025, 2, 1, tzinfo=UTC),
                pdf_sha256="abc",
            )
        )
        record_consent(
            session,
            contact_id=a.id,
            channel=Channel.EMAIL,
            status=ConsentStatus.GRANTED,
            occurred_at=datetime(2024, 1, 1, tzinfo=UTC),
        )
        record_consent(
            session,
            contact_id=b.id,
            channel=Channel.EMAIL,
            status=ConsentStatus.WITHDRAWN,
            occurred_at=datetime(2025, 1, 1, tzinfo=UTC),
        )
    return a.id, b.id


def test_merge_moves_everything_and_undo_restores_identical_rows(any_db: Database) -> None:
    a, b = _fixture(any_db)
    before = _state(any_db)
    with any_db.read() as session:
        journal_of_b = set(session.scalars(select(AuditEvent.id).where(AuditEvent.contact_id == b)))
    with any_db.write() as session:
        record = merge(session, a, [b])
    with any_db.read() as session:
        survivor = session.get(Contact, a)
        merged = session.get(Contact, b)
        assert merged.status == ContactStatus.MERGED and merged.merged_into_id == a  # type: ignore[union-attr]
        assert sorted(e.email for e in survivor.emails) == ["h@exemple.fr", "helene@autre.fr"]  # type: ignore[union-attr]
        assert [p.number for p in survivor.phones] == ["+33612345678"]  # type: ignore[union-attr]
        assert session.scalar(select(Gift.contact_id)) == a
        assert session.scalar(select(Receipt.number).where(Receipt.contact_id == a)) == "2025-00001"
        email_state = {s.channel: s.status for s in current_consents(session, a)}
        assert email_state[Channel.EMAIL] == ConsentStatus.WITHDRAWN  # the newer withdrawal wins
        moved = set(session.scalars(select(AuditEvent.id).where(AuditEvent.contact_id == a)))
        assert journal_of_b and journal_of_b <= moved  # the history follows the survivor
    with any_db.write() as session:
        undo(session, record.id)
    assert _state(any_db) == before
    with pytest.raises(Conflict), any_db.write() as session:
        undo(session, record.id)


def test_scan_finds_the_pair_and_remembers_not_duplicate(db: Database) -> None:
    a, b = _fixture(db)
    with db.read() as session:
        groups = scan(session)
    assert [g.member_ids for g in groups] == [(a, b)] and "même nom" in groups[0].reasons
    with db.write() as session:
        mark_not_duplicate(session, b, a)
    with db.read() as session:
        assert scan(session) == []


def test_incremental_check_finds_a_typed_contact(db: Database) -> None:
    a, _b = _fixture(db)
    with db.read() as session:
        index = SimilarityIndex.build(session)
    found = index.similar(
        draft_person(
            {"first_name": "Hélène", "last_name": "Dupond", "postcode": "21000", "city": "Dijon"}
        )
    )
    assert a in {s.b for s in found}


NAMES = st.sampled_from(["Dupont", "Martin", "Lefèvre", "Girard", "Moreau"])


@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(people=st.lists(st.tuples(NAMES, st.booleans(), st.booleans()), min_size=2, max_size=5))
def test_merge_then_undo_is_identity(tmp_path_factory, people) -> None:  # type: ignore[no-untyped-def]
    database = open_database(str(tmp_path_factory.mktemp("m") / "m.sqlite3"))
    with database.write() as session:
        ids = []
        for index, (name, with_email, with_gift) in enumerate(people):
            contact = _contact(
                session, "Anne", name, email=f"a{index % 2}@x.fr" if with_email else ""
            )
            if with_gift:
                session.add(
                    Gift(
                        contact_id=contact.id,
                        received_on=date(2025, 1, 1),
                        amount_cents=100,
                        payment_method=PaymentMethod.CASH,
                    )
                )
            ids.append(contact.id)
    before = _state(database)
    with database.write() as session:
        record = merge(session, ids[0], ids[1:])
    with database.write() as session:
        undo(session, record.id)
    assert _state(database) == before
    database.dispose()


def test_merge_carries_memberships_direct_debits_and_solicitations(any_db: Database) -> None:
    """A member typed twice: merging must not leave the membership, the mandate, the plan
    (still collected!) or the solicitation history on the merged record (#18, #19)."""
    from app.models import (
        Appeal,
        AppealExclusion,
        Campaign,
        Membership,
        MembershipType,
        RegularGiftPlan,
        SepaMandate,
        Solicitation,
    )
    from app.models.enums import MembershipKind, MembershipPeriod, PlanFrequency

    a, b = _fixture(any_db)
    day = date(2025, 3, 1)
    with any_db.write() as session:
        kind = MembershipType(
            name="Individuelle",
            kind=MembershipKind.INDIVIDUAL,
            period=MembershipPeriod.CALENDAR_YEAR,
        )
        campaign = Campaign(code="P25", name="Printemps")
        session.add_all([kind, campaign])
        session.flush()
        mandate = SepaMandate(
            contact_id=b,
            rum="OBOLE-B-1",
            iban="FR1420041010050500013M02606",
            holder="B",
            signed_on=day,
        )
        appeal = Appeal(
            name="Printemps",
            channel=Channel.POST,
            target_kind="all",
            campaign_id=campaign.id,
            send_on=day,
        )
        session.add_all([mandate, appeal])
        session.flush()
        session.add_all(
            [
                Membership(
                    contact_id=b,
                    type_id=kind.id,
                    starts_on=day,
                    ends_on=date(2025, 12, 31),
                    paid_on=day,
                    amount_cents=2000,
                    payment_method=PaymentMethod.CHEQUE,
                ),
                RegularGiftPlan(
                    contact_id=b,
                    mandate_id=mandate.id,
                    amount_cents=1000,
                    frequency=PlanFrequency.MONTHLY,
                    day_of_month=5,
                    starts_on=day,
                ),
                Solicitation(contact_id=b, appeal_id=appeal.id, channel=Channel.POST, sent_on=day),
                AppealExclusion(appeal_id=appeal.id, contact_id=b, reason="npai"),
            ]
        )
    before = _state(any_db)
    moved = (Membership, SepaMandate, RegularGiftPlan, Solicitation, AppealExclusion)
    with any_db.write() as session:
        record = merge(session, a, [b])
    with any_db.read() as session:
        for model in moved:
            assert set(session.scalars(select(model.contact_id))) == {a}, model.__name__
    with any_db.write() as session:
        undo(session, record.id)
    with any_db.read() as session:
        for model in moved:
            assert set(session.scalars(select(model.contact_id))) == {b}, model.__name__
    assert _state(any_db) == before


def _movers(database: Database, count: int, *, civility: str = "M.") -> list[tuple[int, int]]:
    """`count` pairs of one rare name, nothing else, in two départements (the cell no
    model without labels can settle)."""
    pairs = []
    with database.write() as session:
        for i in range(count):
            name = f"Kerdaniel{chr(97 + i)}{civility and 'm'}"
            a, b = (
                make_contact(
                    session,
                    name,
                    first_name="Yann",
                    civility=civility,
                    line4="",
                    postcode=postcode,
                    city=city,
                )
                for postcode, city in (("29200", "Brest"), ("13005", "Marseille"))
            )
            pairs.append((a.id, b.id))
    return pairs


def _probabilities(database: Database) -> dict[tuple[int, int], tuple[float, float, str]]:
    """Per compared pair: (probability without the decisions, with them, reasons)."""
    from app.core.dedupe.decisions import tally
    from app.core.dedupe.scan import load_decisions, load_people, not_duplicates, scan_people

    with database.read() as session:
        people, excluded = load_people(session), not_duplicates(session)
        decisions = tally(load_decisions(session))
        assert [g.member_ids for g in scan(session, threshold=0.0)] == [
            g.member_ids for g in scan_people(people, excluded, threshold=0.0, decisions=decisions)
        ]
    raw = {
        (p.a, p.b): p.probability
        for g in scan_people(people, excluded, threshold=0.0)
        for p in g.pairs
    }
    return {
        (p.a, p.b): (raw[(p.a, p.b)], p.probability, " · ".join(p.reasons))
        for g in scan_people(people, excluded, threshold=0.0, decisions=decisions)
        for p in g.pairs
    }


def test_decisions_on_pairs_the_name_alone_links_teach_all_of_them(any_db: Database) -> None:
    pairs = _movers(any_db, 6)
    other = _movers(any_db, 1, civility="")[0]  # the same cell, another vector (no civility)
    before = _probabilities(any_db)
    assert all(before[pair][0] == before[pair][1] for pair in (*pairs, other))  # nothing yet
    assert "vos décisions" not in before[other][2]
    with any_db.write() as session:  # two of them are different people...
        mark_not_duplicate(session, *pairs[0])
        mark_not_duplicate(session, *pairs[1])
    after = _probabilities(any_db)
    assert pairs[0] not in after and pairs[1] not in after
    for pair in (pairs[5], other):
        p, lowered, reasons = after[pair]
        assert lowered < p
        assert "vos décisions sur des personnes de même nom : 0 fusion, 2 « pas un doublon »" in (
            reasons
        )
    with any_db.write() as session:  # ...and three the same person
        records = [merge(session, a, [b]) for a, b in pairs[2:5]]
    after_merges = _probabilities(any_db)
    assert after_merges[other][1] > after[other][1]  # three merges outweigh two refusals
    assert "3 fusions, 2 « pas un doublon »" in after_merges[other][2]
    with any_db.write() as session:  # an undone merge is no decision any more
        undo(session, records[0].id)
    p, adjusted, reasons = _probabilities(any_db)[other]
    assert after[other][1] < adjusted < after_merges[other][1]
    assert "sur des personnes de même nom : 2 fusions, 2 « pas un doublon »" in reasons


def test_decisions_on_other_pairs_teach_the_pairs_of_the_same_vector(any_db: Database) -> None:
    from app.core.dedupe.decisions import WEIGHT

    pairs = []
    with any_db.write() as session:  # one first name and e-mail, another surname and town
        for i in range(4):
            email = f"anne.{i}@exemple.fr"
            a = make_contact(session, f"Martin{chr(97 + i)}", email=email, postcode="29200")
            b = make_contact(
                session, f"Le Goff{chr(97 + i)}", email=email, postcode="13005", city="Marseille"
            )
            pairs.append((a.id, b.id))
    with any_db.write() as session:
        mark_not_duplicate(session, *pairs[0])
        mark_not_duplicate(session, *pairs[1])
    p, adjusted, reasons = _probabilities(any_db)[pairs[3]]
    assert adjusted == pytest.approx(WEIGHT * p / (WEIGHT + 2))
    assert "vos décisions sur des cas identiques : 0 fusion, 2 « pas un doublon »" in reasons
    assert "personnes de même nom" not in reasons
    with any_db.write() as session:
        merge(session, pairs[2][0], [pairs[2][1]])
    p, adjusted, reasons = _probabilities(any_db)[pairs[3]]
    assert adjusted == pytest.approx((WEIGHT * p + 1) / (WEIGHT + 3))
    assert "1 fusion, 2 « pas un doublon »" in reasons


def test_a_merge_is_remembered_as_the_contacts_were_before_it(any_db: Database) -> None:
    from app.core.dedupe.scan import load_decisions

    a, b = _fixture(any_db)
    with any_db.write() as session:
        merge(session, a, [b])
    with any_db.read() as session:
        decisions = load_decisions(session)
    assert [(d.a.id, d.b.id, d.same) for d in decisions] == [(a, b, True)]
    assert decisions[0].b.email == "helene@autre.fr" and decisions[0].b.phone == "612345678"
    assert decisions[0].a.email == "h@exemple.fr"
