"""Score pairs of contacts with the match model: a probability and the evidence per field.

`score_levels` scores many pairs at once (arrays); `score_pair` one pair (tests, the check
while typing). The reasons are human: per field, agree / close / differ / missing, with the
weight in bits that level carries (positive for a duplicate, negative against).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from app.core.dedupe.comparison import FIELD_INDEX, FIELDS, MISSING, SWAPPED, compare
from app.core.dedupe.model import (
    EXACT_FIRST,
    EXACT_LAST,
    Model,
    default_model,
    name_only_rows,
    pair_bits,
    probability,
)
from app.core.dedupe.normalise import Person
from app.i18n import N_, _, current_language, ngettext

STRONG = {"email": 2, "phone": 2, "birth": 4, "siren": 1}  # exact levels of identifiers
SIREN = FIELD_INDEX["siren"]
NAMESAKES = N_("homonymes")
NAMESAKES_LABEL = N_("homonymes fréquents dans le fichier")
# the surname's levels said of an organisation
ORGANISATION_LABELS = {
    "noms différents": N_("raisons sociales différentes"),
    "nom phonétiquement proche": N_("raison sociale phonétiquement proche"),
    "nom proche": N_("raison sociale proche"),
    "nom très proche": N_("raison sociale très proche"),
    "même nom": N_("même raison sociale"),
}
DECIDED_NAMESAKES = N_("vos décisions sur des personnes de même nom : {decisions}")


@dataclass(frozen=True)
class Evidence:
    """What one field says about a pair."""

    field: str  # French field name ("nom", "date de naissance")
    status: str  # "agree", "close", "differ", "missing" ("note": suggested by the import)
    label: str  # French ("même nom", "date de naissance à un chiffre près")
    bits: float  # weight of evidence, log2 of the likelihood ratio

    def text(self) -> str:
        """'même nom (+8,4)' ('same last name (+8.4)' in English)."""
        if self.status in ("missing", "note"):
            return self.label
        weight = f"{self.bits:+.1f}"
        return (
            f"{self.label} ({weight.replace('.', ',') if current_language() == 'fr' else weight})"
        )

    def as_dict(self) -> dict[str, object]:
        """For `dedupe scan --json`."""
        return {
            "field": self.field,
            "status": self.status,
            "label": self.label,
            "weight": round(self.bits, 2),
        }


@dataclass(frozen=True)
class PairScore:
    """Probability that a pair is one person, 0-100 for display, and the evidence."""

    a: int
    b: int
    score: float  # probability x 100, one decimal
    reasons: tuple[str, ...]  # labels of the fields present, strongest first
    strong_identifier: bool  # same e-mail, phone, SIREN or birth date
    veto: str = ""  # the strong negative evidence, if any (different birth date, civility...)
    probability: float = 0.0
    evidence: tuple[Evidence, ...] = ()

    def reasons_text(self, *, limit: int = 6) -> str:
        """The evidence in one line, strongest first ('même courriel (+12,0) · ...')."""
        present = [e for e in self.evidence if e.status != "missing"]
        return " · ".join(e.text() for e in present[:limit])


def evidence_of(
    model: Model,
    levels: Sequence[int],
    swapped: bool,
    a: Person,
    b: Person,
    tables: list[np.ndarray],
) -> tuple[Evidence, ...]:
    """Per field evidence of a pair, strongest first, missing fields last."""
    found = []
    if levels[FIELD_INDEX["first"]] == EXACT_FIRST and levels[FIELD_INDEX["last"]] == EXACT_LAST:
        tables = model.weight_table(named=True)  # household fields of namesakes
        if model.named_bits < 0:
            found.append(Evidence(_(NAMESAKES), "differ", _(NAMESAKES_LABEL), model.named_bits))
        if model.decided_bits and name_only_rows(np.array([levels], dtype=np.int8))[0]:
            label = _(DECIDED_NAMESAKES).format(decisions=decisions_text(*model.named_decisions))
            status = "agree" if model.decided_bits > 0 else "differ"
            found.append(Evidence(_(NAMESAKES), status, label, model.decided_bits))
    for f, (spec, level) in enumerate(zip(FIELDS, levels, strict=True)):
        if level == MISSING:
            if spec.name not in ("gender", "siren"):
                found.append(Evidence(_(spec.label), "missing", _(spec.missing), 0.0))
            continue
        lv = spec.levels[level]
        bits = float(tables[f][level])
        if spec.name == "first" and level == EXACT_FIRST and not swapped:
            bits += model.tf_bits("first", a.first)
        if spec.name == "last" and level == EXACT_LAST and not swapped:
            bits += model.tf_bits("last", a.last)
        label = lv.label
        if spec.name == "last" and (a.kind == "organisation" or b.kind == "organisation"):
            label = ORGANISATION_LABELS.get(label, label)
        label = _(label)
        if swapped and spec.name == "last":
            label = f"{_(SWAPPED)} ; {label}"
        found.append(Evidence(_(spec.label), lv.status, label, bits))
    return tuple(sorted(found, key=lambda e: (e.status == "missing", -abs(e.bits))))


def decisions_text(decided: int, merged: int) -> str:
    """'3 fusions, 2 « pas un doublon »'."""
    return "{merged}, {different}".format(
        merged=ngettext(N_("{n} fusion"), N_("{n} fusions"), merged).format(n=merged),
        different=ngettext(
            N_("{n} « pas un doublon »"), N_("{n} « pas un doublon »"), decided - merged
        ).format(n=decided - merged),
    )


def _veto(levels: Sequence[int], evidence: tuple[Evidence, ...]) -> str:
    for e in evidence:
        if e.status == "differ" and e.bits <= -6:
            return e.label
    return ""


def build_score(
    model: Model,
    a: Person,
    b: Person,
    levels: Sequence[int],
    swapped: bool,
    p: float,
    tables: list[np.ndarray],
) -> PairScore:
    """A PairScore with its evidence (only for pairs worth showing: it costs a little)."""
    evidence = evidence_of(model, levels, swapped, a, b, tables)
    strong = any(levels[FIELD_INDEX[name]] == level for name, level in STRONG.items())
    if levels[SIREN] == 0:
        p = 0.0  # a different SIREN is proof of two organisations
    reasons = tuple(e.label for e in evidence if e.status != "missing")
    return PairScore(
        a.id,
        b.id,
        round(100 * p, 1),
        reasons,
        strong,
        _veto(levels, evidence),
        p,
        evidence,
    )


def score_pair(a: Person, b: Person, *, model: Model | None = None) -> PairScore:
    """Score one pair (the default model unless a trained one is given)."""
    model = model or _default()
    levels, swapped = compare(a, b)
    row = np.array([levels], dtype=np.int8)
    tables = model.weight_table()
    tf = np.zeros((1, 2))
    if not swapped:
        tf[0] = model.tf_bits("first", a.first), model.tf_bits("last", a.last)
    bits = pair_bits(model, row, tf, tables)
    p = float(probability(model, bits)[0])
    return build_score(model, a, b, levels, swapped, p, tables)


_DEFAULT: list[Model] = []


def _default() -> Model:
    if not _DEFAULT:
        _DEFAULT.append(default_model())
    return _DEFAULT[0]
