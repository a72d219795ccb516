"""A school's own team session is for its team (issue #23 §4): academy staff see it, but
the auditor and the academy trainer can't register for it."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from glans_learning.courses import selectors, services
from tests.factories import SessionFactory


@pytest.fixture
def team_session(loaded_fixture, zonnebloem):
    from glans_learning.courses.models import ProgrammePage

    start = timezone.now() + datetime.timedelta(days=7)
    return SessionFactory(
        title="Teamsessie Zonnebloem",
        unit=zonnebloem,
        kind="team",
        programme=ProgrammePage.objects.get(slug="proef"),
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
    )


@pytest.mark.parametrize("who", ["auditor", "academy_trainer", "admin_user", "other_teacher"])
def test_outsiders_cannot_register_for_a_schools_team_session(request, team_session, who):
    user = request.getfixturevalue(who)
    assert not selectors.sessions_open_to(user).filter(pk=team_session.pk).exists()
    with pytest.raises(PermissionDenied):
        services.session_register(user=user, session=team_session)
    assert not team_session.registrations.exists()


def test_the_team_and_its_trainer_still_can(team_session, teacher, academy_trainer):
    services.session_register(user=teacher, session=team_session)
    team_session.trainers.add(academy_trainer)
    services.session_register(user=academy_trainer, session=team_session)
    assert team_session.registrations.count() == 2
