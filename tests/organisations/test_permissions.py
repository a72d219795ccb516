import rules

from glans_learning.organisations import permissions
from glans_learning.organisations.models import Membership


def test_academy_roles_see_all_units_others_only_their_own(
    zonnebloem, regenboog, director, auditor, other_teacher
):
    assert set(permissions.visible_units(auditor)) == {zonnebloem, regenboog}
    assert set(permissions.visible_units(director)) == {zonnebloem}
    assert set(permissions.visible_units(other_teacher)) == {regenboog}


def test_predicates(
    zonnebloem, regenboog, director, teacher, tdt_teacher, admin_user, academy_trainer
):
    assert rules.has_perm("glans_organisations.view_unit_members", director, zonnebloem)
    assert rules.has_perm("glans_organisations.view_unit_members", tdt_teacher, zonnebloem)
    assert not rules.has_perm("glans_organisations.view_unit_members", teacher, zonnebloem)
    assert not rules.has_perm("glans_organisations.view_unit_members", director, regenboog)
    assert rules.has_perm("glans_organisations.manage_unit", director, zonnebloem)
    assert not rules.has_perm("glans_organisations.manage_unit", tdt_teacher, zonnebloem)
    assert rules.has_perm("glans_organisations.manage_unit", admin_user, regenboog)
    assert not rules.has_perm("glans_organisations.manage_unit", academy_trainer, regenboog)


def test_admin_access_follows_roles(director, teacher, auditor):
    assert director.has_perm("wagtailadmin.access_admin")
    assert auditor.has_perm("wagtailadmin.access_admin")
    assert not teacher.has_perm("wagtailadmin.access_admin")


def test_manageable_memberships_are_scoped(director, teacher, other_teacher, admin_user):
    own = set(permissions.manageable_memberships(director).values_list("user__username", flat=True))
    assert own == {"directeur.zonnebloem", "leraar.zonnebloem"}
    assert permissions.manageable_memberships(admin_user).count() == Membership.objects.count()


def test_roles_are_read_once_per_user_object(director, django_assert_num_queries):
    permissions.forget_roles(director)
    with django_assert_num_queries(1):
        permissions.user_roles(director)
        permissions.user_roles(director)
        permissions.can_view_unit_members(director, director.glans_memberships.model.objects.none())
