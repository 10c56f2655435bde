"""Generic starting values of the duplicate model, set by hand, counted on no data set.

m: how often a true duplicate shows each level (typing errors are a few percent of names;
identifiers change in some records: a new e-mail, a move). u: how often two different
people do, for two random French contacts (a shared first name ~1.5 %, a shared surname
~0.3 %, a birth date 1 in 27,000...). prior: the share of duplicates among all pairs of a
file of a few thousand contacts with a few percent of duplicates.

The scan replaces u by the association's own (random pairs and the values' frequencies) and
m by EM (model.train); these values matter only for tiny files, for the fields EM cannot
learn on them, and for the check while typing. Order of the levels: comparison.FIELDS."""

DEFAULT = {
    "m": [
        # prénom: differ, phonetic, initials, close, very close, same, gendered (fixed)
        [0.02, 0.02, 0.02, 0.04, 0.05, 0.849, 0.001],
        # nom: differ, phonetic, close, very close, same
        [0.04, 0.02, 0.03, 0.06, 0.85],
        # date de naissance: differ, same year+month, day/month swapped, one digit, same
        [0.01, 0.005, 0.005, 0.03, 0.95],
        # courriel: differ, one typo, same
        [0.2, 0.02, 0.78],
        # téléphone: differ, one digit, same
        [0.2, 0.02, 0.78],
        # commune: other département, same département, same town, same postcode
        [0.08, 0.04, 0.02, 0.86],
        # rue (same town): differ, same number, close, same
        [0.05, 0.02, 0.06, 0.87],
        # civilité: differ (fixed), same, person/organisation (fixed)
        [0.001, 0.998, 0.001],
        # SIREN: differ (fixed), same
        [0.001, 0.999],
    ],
    "u": [
        [0.957, 0.008, 0.002, 0.015, 0.003, 0.015, 0.5],
        [0.983, 0.008, 0.005, 0.001, 0.003],
        [0.9986, 0.0011, 0.00001, 0.00025, 0.00004],
        [0.99998, 0.00001, 0.00001],
        [0.99998, 0.00001, 0.00001],
        [0.8, 0.12, 0.02, 0.06],
        [0.97, 0.02, 0.005, 0.005],
        [0.5, 0.5, 0.5],
        [0.99999, 0.00001],
    ],
    "prior": 0.0001,
    # u of commune and rue among different people of one first and last name (a parent and
    # a child at one address): the scan counts its own (model._named_u)
    "u_named": {"place": [0.55, 0.1, 0.05, 0.3], "street": [0.7, 0.05, 0.05, 0.2]},
}
