"""factory_boy factories for the models, plus helpers that give users roles."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone
from faker import Faker

from glans_learning.organisations.models import Board, Group, OrganisationUnit, SchoolYear, UnitType
from glans_learning.organisations.services import membership_grant

PASSWORD = "test-wachtwoord-123"
_fake = Faker("nl_NL")


def _safe(name: str) -> str:
    return "".join(ch for ch in name if ch not in "'\"&<>")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"persoon{n}")
    # Dutch names, without characters that HTML escapes (tests look for names in pages).
    first_name = factory.LazyFunction(lambda: _safe(_fake.first_name()))
    last_name = factory.LazyFunction(lambda: _safe(_fake.last_name()))
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.invalid")

    @factory.post_generation
    def password(obj, create, extracted, **kwargs):
        obj.set_password(extracted or PASSWORD)
        if create:
            obj.save(update_fields=["password"])


class BoardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Board
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Stichting {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationUnit

    board = factory.SubFactory(BoardFactory)
    name = factory.Sequence(lambda n: f"School {n}")
    unit_type = UnitType.PO


class SchoolYearFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SchoolYear
        django_get_or_create = ("label",)

    label = "2026-2027"
    start_date = datetime.date(2026, 8, 1)
    end_date = datetime.date(2027, 7, 31)


class GroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Group

    unit = factory.SubFactory(UnitFactory)
    name = factory.Sequence(lambda n: f"Groep {n}")


def person(username=None, *, unit=None, roles=("learner",), **kwargs):
    """A user with `roles` in `unit` (or, with unit=None and academy roles, at the academy)."""
    user = UserFactory(**({"username": username} if username else {}), **kwargs)
    membership_grant(user=user, unit=unit, role_codes=list(roles))
    return user


# --- courses (programme pages come from tests/builders.py: pass `programme=`) ------------


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "glans_courses.Session"

    title = factory.Sequence(lambda n: f"Bijeenkomst {n}")
    kind = "tdt"
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=2))
    location = "Utrecht"


def log_in(client, user):
    """force_login, with a verified second factor for people whose role must use one
    (platform admins, auditors): as after the two-factor page (issue #23)."""
    from glans_learning.organisations.permissions import forget_roles, user_roles

    client.force_login(user)
    forget_roles(user)
    if user_roles(user).two_factor_role:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
    return client
