"""Memberships have one write path: organisations.services.membership_save, also from the
admin's form, with the rules of membership_check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from glans_learning.organisations import services
from glans_learning.organisations.models import Membership, Role
from glans_learning.organisations.permissions import user_roles
from tests.factories import GroupFactory, person


def test_director_may_not_record_a_membership_elsewhere(director, regenboog):
    someone = person("iemand", unit=None, roles=[])
    with pytest.raises(PermissionDenied):
        services.membership_save(
            by=director,
            membership=Membership(user=someone, unit=regenboog),
            roles=Role.objects.filter(code="learner"),
            groups=[],
        )
    assert not Membership.objects.filter(user=someone, unit=regenboog).exists()


def test_groups_and_roles_must_fit_the_unit(director, zonnebloem, regenboog):
    someone = person("iemand", unit=None, roles=[])
    with pytest.raises(ValidationError):
        services.membership_save(
            by=director,
            membership=Membership(user=someone, unit=zonnebloem),
            roles=Role.objects.filter(code="learner"),
            groups=[GroupFactory(unit=regenboog)],
        )
    with pytest.raises(ValidationError):
        services.membership_save(
            by=director,
            membership=Membership(user=someone, unit=zonnebloem),
            roles=Role.objects.filter(code="academy_auditor"),
            groups=[],
        )
    assert not Membership.objects.filter(user=someone, unit=zonnebloem).exists()


def test_the_admin_form_saves_through_the_service(director, zonnebloem):
    from glans_learning.organisations.wagtail_hooks import MembershipViewSet

    form_class = MembershipViewSet("x").get_form_class()
    group = GroupFactory(unit=zonnebloem)
    form = form_class(
        {
            "new_email": "nieuw.teamlid@example.invalid",
            "new_first_name": "Nieuw",
            "unit": zonnebloem.pk,
            "roles": [Role.objects.get(code="learner").pk],
            "groups": [group.pk],
            "is_active": "on",
        },
        for_user=director,
    )
    assert form.is_valid(), form.errors
    membership = form.save()
    assert list(membership.groups.all()) == [group]
    someone = membership.user
    assert someone.email == "nieuw.teamlid@example.invalid"
    # The service forgets the cached roles: the new membership counts at once.
    assert user_roles(someone).has_unit_role(zonnebloem.pk, {"learner"})
