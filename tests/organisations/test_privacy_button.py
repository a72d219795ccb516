"""The admin's personal-data action is offered only for people the plugin knows (issue #24)."""

import pytest

from glans_learning.organisations.wagtail_hooks import privacy_user_buttons
from tests.factories import UnitFactory, UserFactory, person

pytestmark = pytest.mark.django_db


def test_only_people_with_a_membership_get_the_personal_data_action():
    admin = UserFactory(is_superuser=True, is_staff=True)
    host_staff = UserFactory()
    learner = person(unit=UnitFactory())
    assert list(privacy_user_buttons(host_staff, admin)) == []
    assert len(list(privacy_user_buttons(learner, admin))) == 1
