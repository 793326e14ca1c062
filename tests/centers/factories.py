import factory
from django.contrib.auth import get_user_model

from centers.models import Center, Role, StaffMembership

PASSWORD = "a-long-test-password"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    # Plain, unique names: a page's text is searched for them, so no apostrophes or accents.
    first_name = factory.Sequence(lambda n: ("Ana", "Luis", "Rosa", "Omar", "Lina", "Diego")[n % 6])
    last_name = factory.Sequence(lambda n: f"Staffmember{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@youthsource.example.org")
    password = factory.django.Password(PASSWORD)


class CenterFactory(factory.django.DjangoModelFactory):
    """A center beyond the 13 of the data migration (most tests use those, by code)."""

    class Meta:
        model = Center

    code = factory.Sequence(lambda n: f"T{n:03d}")
    name = factory.Sequence(lambda n: f"Test center {n}")
    region = "Central"
    address = "100 Main St, Los Angeles 90012"


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory)
    role = Role.COUNSELOR
    center = factory.LazyFunction(lambda: Center.objects.get(code="EAST"))
    read_only = False


def staff(
    username: str,
    role: str,
    *center_codes: str,
    read_only: bool = False,
    reads_district_records: bool = False,
):
    """A user with one membership per center (or one without a center for analysts and
    administrators)."""
    user = UserFactory(username=username)
    for code in center_codes or [None]:
        center = Center.objects.get(code=code) if code else None
        MembershipFactory(
            user=user,
            role=role,
            center=center,
            read_only=read_only,
            reads_district_records=reads_district_records,
        )
    return user
