"""Demo staff for the run command: the README's demo accounts and a deterministic team at
every center, so the role home pages have something real to show."""

import random

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction

from .models import Center, Role, StaffMembership

DEMO_PASSWORD = "reengage-demo"  # noqa: S105  (demo accounts only; seed_demo refuses production)

# username, first name, last name, role, center codes, read-only
DEMO_ACCOUNTS = (
    ("counselor.east", "Marisol", "Quintero-Ávila", Role.COUNSELOR, ["EAST"], False),
    ("counselor.crenshaw", "Darnell", "Washington", Role.COUNSELOR, ["CRENS"], False),
    ("readonly.east", "Kevin", "Nguyen", Role.COUNSELOR, ["EAST"], True),
    ("supervisor.east", "Guadalupe", "de la Cruz", Role.SUPERVISOR, ["EAST", "BOYLE"], False),
    ("supervisor.south", "Angela", "Robinson", Role.SUPERVISOR, ["CRENS", "VERMT"], False),
    ("analyst", "Ruth", "Kim", Role.ANALYST, [], False),
    ("admin", "Samuel", "Ortiz", Role.ADMINISTRATOR, [], False),
)

# Models whose rows administrators manage in the admin site. No youth data is among them.
ADMINISTRATOR_MODELS = (
    "user",
    "center",
    "staffmembership",
    "accessattempt",
    "accesslog",
    "program",
    "scalescoreband",
)

FIRST_NAMES = (
    "Ana",
    "Luis",
    "Carmen",
    "José",
    "Erica",
    "Tyrone",
    "Yesenia",
    "Brian",
    "Alejandra",
    "Marcus",
    "Rosa",
    "Diego",
    "Keisha",
    "Héctor",
    "Lina",
    "Omar",
    "Patricia",
    "Víctor",
)
LAST_NAMES = (
    "García",
    "Hernández",
    "Johnson",
    "López",
    "Martínez",
    "Jackson",
    "Ramírez",
    "Lee",
    "Flores",
    "Brown",
    "Morales",
    "Gutiérrez",
    "Williams",
    "Chávez",
    "Park",
    "Reyes",
)


def _account(username: str, first: str, last: str, *, is_staff: bool = False):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={
            "first_name": first,
            "last_name": last,
            "email": f"{username}@youthsource.example.org",
            "is_staff": is_staff,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _membership(
    user, role: str, center: Center | None, *, read_only: bool = False, district: bool = False
) -> None:
    StaffMembership.objects.get_or_create(
        user=user,
        center=center,
        role=role,
        defaults={"read_only": read_only, "reads_district_records": district},
    )


@transaction.atomic
def seed_demo_staff(*, seed: int = 2026) -> int:
    """Create the demo accounts, a supervisor and one to three counselors at every center.
    Idempotent: run it again and nothing changes. Returns the number of staff accounts."""
    centers = {center.code: center for center in Center.objects.all()}
    for username, first, last, role, codes, read_only in DEMO_ACCOUNTS:
        user = _account(username, first, last, is_staff=role == Role.ADMINISTRATOR)
        for code in codes:
            # The two demo counselors are the centers' LAUSD PSA counselors.
            district = role == Role.COUNSELOR and not read_only
            _membership(user, role, centers[code], read_only=read_only, district=district)
        if not codes:
            _membership(user, role, None)
        if role == Role.ADMINISTRATOR:
            user.user_permissions.set(
                Permission.objects.filter(content_type__model__in=ADMINISTRATOR_MODELS)
            )
        if role == Role.ANALYST:
            # The demo analyst may take participant-level extracts.
            user.user_permissions.add(Permission.objects.get(codename="export_participants"))

    rng = random.Random(seed)  # noqa: S311  (demo names, not secrets)
    supervised = {
        code for *_, role, codes, _ in DEMO_ACCOUNTS if role == Role.SUPERVISOR for code in codes
    }
    for code in sorted(centers):
        if code not in supervised:
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            _membership(
                _account(f"{code.lower()}.supervisor", first, last), Role.SUPERVISOR, centers[code]
            )
        for number in range(1, rng.randint(1, 3) + 1):
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            user = _account(f"{code.lower()}.counselor{number}", first, last)
            _membership(user, Role.COUNSELOR, centers[code])
    return get_user_model().objects.count()
