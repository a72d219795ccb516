"""First run in a new site: `manage.py glans_setup` and the admin home panel."""

import datetime
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from glans_learning.organisations import permissions
from glans_learning.organisations.models import Board, Membership, OrganisationUnit, SchoolYear
from glans_learning.organisations.services import school_year_current_or_create
from tests.factories import UserFactory


def setup(*args):
    out = StringIO()
    call_command("glans_setup", *args, stdout=out)
    return out.getvalue()


def test_glans_setup_prepares_a_site_once(db):
    director = UserFactory(username="directeur")
    UserFactory(username="juf")
    output = setup(
        "--director", "directeur", "--board", "Stichting Oost", "--unit", "De Es", "--member", "juf"
    )
    assert "Created: school_year, board, unit" in output
    unit = OrganisationUnit.objects.get()
    assert (unit.name, unit.board.name) == ("De Es", "Stichting Oost")
    assert SchoolYear.current() is not None
    permissions.forget_roles(director)
    assert permissions.manages_unit(director, unit)
    assert permissions.can_enter_admin(director)
    assert "nothing new" in setup(
        "--director", "directeur", "--board", "Stichting Oost", "--unit", "De Es", "--member", "juf"
    )
    assert (Board.objects.count(), SchoolYear.objects.count(), Membership.objects.count()) == (
        1,
        1,
        2,
    )


def test_glans_setup_refuses_unknown_users_and_changes_nothing(db):
    UserFactory(username="directeur")
    with pytest.raises(CommandError, match="onbekend"):
        setup("--director", "directeur", "--member", "onbekend")
    assert not Board.objects.exists() and not SchoolYear.objects.exists()


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (datetime.date(2026, 12, 1), "2026-2027"),
        (datetime.date(2027, 3, 1), "2026-2027"),
        (datetime.date(2027, 8, 1), "2027-2028"),
    ],
)
def test_current_school_year_runs_august_to_july(db, today, label):
    year, created = school_year_current_or_create(today=today)
    assert (year.label, created) == (label, True)
    assert year.start_date <= today <= year.end_date
    assert school_year_current_or_create(today=today) == (year, False)


def test_admin_home_says_what_is_missing_until_setup(client, admin_user, verified_login):
    verified_login(client, admin_user)
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="glans-first-run"' in html and "glans_setup" in html
    setup("--director", admin_user.get_username())
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert 'id="glans-first-run"' not in html
