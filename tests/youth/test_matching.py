import datetime

import pytest

from tests.youth.factories import YouthFactory
from youth.matching import MIN_SCORE, likely_duplicates
from youth.names import nicknames_match

pytestmark = pytest.mark.django_db

BORN = datetime.date(2006, 4, 3)


def youth(first: str, last: str, **fields):
    return YouthFactory(legal_first_name=first, legal_last_name=last, **fields)


def found(candidates, record):
    return next((candidate for candidate in candidates if candidate.youth.pk == record.pk), None)


# (stored first, stored last, typed first, typed last, reason expected)
SAME_NAME_WRITTEN_DIFFERENTLY = {
    "typo_and_no_accents": ("Jesús", "Hernández", "Jesus", "Hernadez", "name"),
    "accents_typed_not_stored": ("Jesus", "Hernandez", "Jesús", "Hernández", "name"),
    "hyphenated_surname_typed_in_part": (
        "Ana",
        "Quintero-Ávila",
        "Ana",
        "Quintero",
        "surname_part",
    ),
    "second_part_of_a_hyphenated_surname": (
        "Ana",
        "Quintero-Ávila",
        "Ana",
        "Avila",
        "surname_part",
    ),
    "two_surnames_typed_for_one_stored": (
        "Ana",
        "Quintero",
        "Ana",
        "Quintero Avila",
        "surname_part",
    ),
    "surname_without_its_particles": ("Marisol", "de la Cruz", "Marisol", "Cruz", "name"),
    "surname_with_particles_run_together": ("Marisol", "de la Cruz", "Marisol", "Delacruz", "name"),
    "two_surnames_in_the_other_order": ("Luis", "García López", "Luis", "López García", "name"),
    "first_and_last_swapped": ("Jesús", "Hernández", "Hernandez", "Jesus", "name_swapped"),
    "nickname_lupe": ("Guadalupe", "Martínez", "Lupe", "Martinez", "nickname"),
    "nickname_chuy": ("Jesús", "Ramírez", "Chuy", "Ramirez", "nickname"),
    "nickname_pepe": ("José", "Ochoa", "Pepe", "Ochoa", "nickname"),
    "nickname_beto": ("Roberto", "Salas", "Beto", "Salas", "nickname"),
    "nickname_tono_typed_with_tilde": ("Antonio", "Reyes", "Toño", "Reyes", "nickname"),
    "nickname_mike": ("Michael", "Johnson", "Mike", "Johnson", "nickname"),
    "nickname_liz": ("Elizabeth", "Washington", "Liz", "Washington", "nickname"),
    "two_nicknames_of_one_name": ("Paco", "Núñez", "Pancho", "Nunez", "nickname"),
}


@pytest.mark.parametrize(
    ("stored_first", "stored_last", "typed_first", "typed_last", "reason"),
    SAME_NAME_WRITTEN_DIFFERENTLY.values(),
    ids=SAME_NAME_WRITTEN_DIFFERENTLY.keys(),
)
def test_it_finds_the_same_name_written_differently(
    stored_first, stored_last, typed_first, typed_last, reason
):
    record = youth(stored_first, stored_last)
    youth("Kimberly", "Nguyen")

    candidates = likely_duplicates(first_name=typed_first, last_name=typed_last)

    match = found(candidates, record)
    assert match is not None
    assert reason in match.reasons
    assert [candidate.youth for candidate in candidates] == [record]


@pytest.mark.parametrize(
    ("stored_first", "stored_last", "typed_first", "typed_last", "reason"),
    SAME_NAME_WRITTEN_DIFFERENTLY.values(),
    ids=SAME_NAME_WRITTEN_DIFFERENTLY.keys(),
)
def test_a_similar_name_with_the_same_birth_date_is_a_strong_match(
    stored_first, stored_last, typed_first, typed_last, reason
):
    record = youth(stored_first, stored_last, birth_date=BORN)
    youth("Kimberly", "Nguyen", birth_date=BORN)  # shares only the birth date

    [match] = likely_duplicates(first_name=typed_first, last_name=typed_last, birth_date=BORN)

    assert match.youth == record
    assert match.strong
    assert {"birth_date", reason} <= set(match.reasons)


def test_it_finds_a_surname_typed_without_its_accent():
    record = youth("Valeria", "Domínguez")

    [match] = likely_duplicates(first_name="Valeria", last_name="Dominguez")

    assert match.youth == record
    assert match.reasons == ("name",)


def test_it_finds_a_birth_date_entered_day_first():
    record = youth("Daniela", "Castro", birth_date=datetime.date(2005, 4, 3))

    [match] = likely_duplicates(
        first_name="Dani", last_name="Castro", birth_date=datetime.date(2005, 3, 4)
    )

    assert match.youth == record
    assert "birth_date_swapped" in match.reasons
    assert "birth_date" not in match.reasons
    assert match.strong


def test_a_birth_date_alone_is_not_a_candidate():
    youth("Daniela", "Castro", birth_date=BORN)

    assert likely_duplicates(first_name="Marcus", last_name="Whitfield", birth_date=BORN) == []


@pytest.mark.parametrize(
    "typed_phone", ["(310) 555-0142", "310.555.0142", "+1 310 555 0142", "3105550142"]
)
def test_it_finds_a_phone_number_typed_with_punctuation(typed_phone):
    record = youth("Brianna", "Jackson", phone="3105550142")

    [match] = likely_duplicates(first_name="Brianna", last_name="Jackson", phone=typed_phone)

    assert match.youth == record
    assert set(match.reasons) == {"phone", "name"}
    assert match.strong


def test_a_sibling_sharing_the_family_phone_is_shown_but_not_strong():
    sibling = youth("Maria", "Hernández", phone="3235550199")

    [match] = likely_duplicates(first_name="Carlos", last_name="Hernandez", phone="323-555-0199")

    assert match.youth == sibling
    assert set(match.reasons) == {"phone", "surname"}
    assert not match.strong


def test_a_twin_with_the_same_birth_date_and_surname_is_not_strong():
    youth("Jennifer", "Lopez", birth_date=BORN)

    candidates = likely_duplicates(first_name="Priscilla", last_name="Lopez", birth_date=BORN)

    assert candidates
    assert not any(candidate.strong for candidate in candidates)


def test_a_clearly_different_person_is_not_a_strong_match():
    youth("Kevin", "Park", birth_date=datetime.date(2004, 1, 9), phone="8185550111")

    candidates = likely_duplicates(
        first_name="Guadalupe",
        last_name="Quintero",
        birth_date=datetime.date(2004, 1, 9),
        phone="3105550100",
    )

    assert candidates == []


def test_the_same_lausd_id_is_strong_whatever_the_name():
    record = youth("Alejandro", "Ruiz", lausd_id="201234X567")

    [match] = likely_duplicates(first_name="Sam", last_name="Lee", lausd_id=" 201234x567 ")

    assert match.youth == record
    assert match.reasons == ("lausd_id",)
    assert match.strong


def test_the_exact_lausd_id_ranks_first():
    typed = {"first_name": "Jesús", "last_name": "Hernández", "birth_date": BORN}
    same_name_and_birth_date = youth("Jesus", "Hernandez", birth_date=BORN, phone="3105550177")
    same_lausd_id = youth("Jesse", "Hernan", lausd_id="301234X567")
    same_surname = youth("Jesús", "Hernández Soto")

    candidates = likely_duplicates(**typed, phone="3105550177", lausd_id="301234X567")

    assert [candidate.youth for candidate in candidates] == [
        same_lausd_id,
        same_name_and_birth_date,
        same_surname,
    ]
    assert [candidate.score for candidate in candidates] == sorted(
        (candidate.score for candidate in candidates), reverse=True
    )
    assert all(MIN_SCORE <= candidate.score <= 1 for candidate in candidates)


@pytest.mark.parametrize(
    "identifier",
    [{"lausd_id": "201234X567"}, {"birth_date": BORN}, {"phone": "3105550199"}],
    ids=["lausd_id", "birth_date", "phone"],
)
def test_an_exact_identifier_keeps_its_record_among_many_similar_names(monkeypatch, identifier):
    monkeypatch.setattr("youth.matching.CANDIDATE_LIMIT", 3)
    for _ in range(4):
        youth("Jesús", "Hernández", birth_date=datetime.date(2003, 1, 1))
    record = youth("Jesús", "Hernández", **identifier)

    candidates = likely_duplicates(first_name="Jesus", last_name="Hernandez", **identifier)

    assert candidates[0].youth == record
    assert candidates[0].strong


def test_merged_records_are_never_returned():
    survivor = youth("Guadalupe", "Ortega", birth_date=BORN, phone="3105550123")
    youth(
        "Guadalupe",
        "Ortega",
        birth_date=BORN,
        phone="3105550123",
        lausd_id="201234X111",
        merged_into=survivor,
    )

    candidates = likely_duplicates(
        first_name="Guadalupe",
        last_name="Ortega",
        birth_date=BORN,
        phone="3105550123",
        lausd_id="201234X111",
    )

    assert [candidate.youth for candidate in candidates] == [survivor]


def test_it_leaves_out_the_record_being_edited():
    record = youth("Esperanza", "Villalobos", birth_date=BORN)
    other = youth("Esperanza", "Villalobos", birth_date=BORN)

    candidates = likely_duplicates(
        first_name="Esperanza", last_name="Villalobos", birth_date=BORN, exclude_id=record.pk
    )

    assert [candidate.youth for candidate in candidates] == [other]


@pytest.mark.parametrize(
    "typed",
    [
        {},
        {"first_name": "  ", "last_name": " - ", "phone": "()", "lausd_id": " "},
        {"first_name": "Jesús"},
        {"phone": "555-0142"},
        {"lausd_id": "not-an-id"},
    ],
    ids=["nothing", "blanks_and_punctuation", "first_name_only", "short_phone", "malformed_id"],
)
def test_nothing_meaningful_typed_returns_nothing_without_a_query(typed, django_assert_num_queries):
    youth("Jesús", "Hernández", phone="3105550142")

    with django_assert_num_queries(0):
        assert likely_duplicates(**typed) == []


def test_two_letter_names_do_not_match_half_the_table():
    for first, last in [("Alma", "Romero"), ("Alberto", "Rodríguez"), ("Alicia", "Rosales")]:
        youth(first, last)
        youth(first, f"{last}-Alvarado")
    youth("Al", "Rosa")
    youth("Al", "Roa")

    assert likely_duplicates(first_name="Al", last_name="Ro") == []


def test_a_short_surname_still_matches_exactly():
    record = youth("Wei", "Li")
    youth("Lisa", "Lin")

    [match] = likely_duplicates(first_name="Wei", last_name="Li")

    assert match.youth == record


def test_a_nickname_keeps_its_record_among_many_with_the_same_surname(monkeypatch):
    monkeypatch.setattr("youth.matching.CANDIDATE_LIMIT", 3)
    for first in ["Andrea", "Brenda", "Carlos", "Diana", "Esteban"]:
        youth(first, "García")
    record = youth("Jesús", "García")

    candidates = likely_duplicates(first_name="Chuy", last_name="Garcia")

    assert [candidate.youth for candidate in candidates] == [record]
    assert "nickname" in candidates[0].reasons


def test_swapped_names_keep_their_record_among_many_with_the_same_surname(monkeypatch):
    monkeypatch.setattr("youth.matching.CANDIDATE_LIMIT", 3)
    for first in ["Andrea", "Brenda", "Carlos", "Diana", "Esteban"]:
        youth(first, "Hernández")
    record = youth("Hernán", "Cortés")

    candidates = likely_duplicates(first_name="Cortes", last_name="Hernan")

    assert candidates[0].youth == record
    assert "name_swapped" in candidates[0].reasons


def test_it_returns_at_most_the_limit_best_first():
    records = [youth("Ana", "Quintero", birth_date=BORN) for _ in range(4)]

    candidates = likely_duplicates(first_name="Ana", last_name="Quintero", limit=2)

    assert [candidate.youth for candidate in candidates] == records[:2]


def test_the_duplicate_check_is_one_query(django_assert_num_queries):
    youth("Jesús", "Hernández", birth_date=BORN, phone="3105550142", lausd_id="201234X567")
    youth("Jesus", "Hernandez Soto")
    youth("Chuy", "Hernandes", birth_date=datetime.date(2006, 3, 4))
    youth("Kimberly", "Nguyen", phone="3105550142")

    # One SELECT of youth rows: the OR of exact and trigram conditions, ranked, limited.
    with django_assert_num_queries(1):
        candidates = likely_duplicates(
            first_name="Jesus",
            last_name="Hernandez",
            birth_date=BORN,
            phone="310-555-0142",
            lausd_id="201234X567",
        )
        # The youth are plain rows: reading a field needs no further query.
        assert [candidate.youth.legal_last_name for candidate in candidates]

    assert len(candidates) == 4


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("lupe", "guadalupe", True),
        ("guadalupe", "lupe", True),
        ("paco", "pancho", True),
        ("beto", "alberto", True),
        ("alberto", "roberto", False),
        ("bill", "will", True),
        ("mike", "michelle", False),
    ],
)
def test_the_nickname_table_pairs_names_both_ways(a, b, same):
    assert nicknames_match(a, b) is same
