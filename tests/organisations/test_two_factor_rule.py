"""Issue #23 §2: a role that must use two factors has none of its elevated permissions
until the session has verified one — decided in the one authorization layer."""

from glans_learning.organisations import permissions


def _session_user(user, verified):
    user = type(user).objects.get(pk=user.pk)
    user.is_verified = lambda: verified  # as django-otp's middleware (or an API key) sets it
    return user


def test_platform_admin_and_auditor_have_no_elevated_rights_without_second_factor(
    admin_user, auditor, zonnebloem, director
):
    admin = _session_user(admin_user, verified=False)
    assert not permissions.is_platform_admin(admin)
    assert not permissions.is_academy_staff(admin)
    assert not permissions.visible_units(admin).exists()
    assert not permissions.may_manage_personal_data(admin, director)
    assert not permissions.has_perm(admin, "axes.delete_accessattempt")
    assert permissions.requires_two_factor(admin)
    audit = _session_user(auditor, verified=False)
    assert not permissions.may_audit_unit(audit, zonnebloem)
    assert not permissions.has_perm(audit, "glans_certification.audit", zonnebloem)
    assert not permissions.certification_units(audit).exists()


def test_with_a_verified_second_factor_they_have_them(admin_user, auditor, zonnebloem, director):
    admin = _session_user(admin_user, verified=True)
    assert permissions.is_platform_admin(admin)
    assert permissions.may_manage_personal_data(admin, director)
    audit = _session_user(auditor, verified=True)
    assert permissions.may_audit_unit(audit, zonnebloem)


def test_school_roles_need_no_second_factor(director, zonnebloem):
    user = _session_user(director, verified=False)
    assert permissions.manages_unit(user, zonnebloem)
    assert not permissions.requires_two_factor(user)
