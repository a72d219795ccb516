"""Writes on enrolments: enrolling (self, by a team lead, from a placement, after joining a
team), withdrawing and reinstating (the admin's status edit, and anything else that changes
an enrolment's status), and what a membership that ends takes with it."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from glans_learning.organisations import permissions
from glans_learning.organisations.models import Membership, SchoolYear

from ..models import Enrollment, ProgrammePage
from ..permissions import manageable_enrollments, may_enrol_self


def _check(*, by, enrollment: Enrollment) -> None:
    if by is None or not manageable_enrollments(by).filter(pk=enrollment.pk).exists():
        raise PermissionDenied


@transaction.atomic
def enrolment_withdraw(*, by, enrollment: Enrollment) -> Enrollment:
    """Withdraw an enrolment (idempotent). Progress, completions and points stay: they
    happened; the learner simply no longer takes part this school year."""
    _check(by=by, enrollment=enrollment)
    # Read the row itself: the caller's instance may already carry the new status (a form).
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.WITHDRAWN:
        enrollment.status = Enrollment.Status.WITHDRAWN
        enrollment.save(update_fields=["status"])
    return enrollment


@transaction.atomic
def enrolment_reinstate(*, by, enrollment: Enrollment) -> Enrollment:
    """Make a withdrawn enrolment active again (idempotent)."""
    _check(by=by, enrollment=enrollment)
    # Read the row itself: the caller's instance may already carry the new status (a form).
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.save(update_fields=["status"])
    return enrollment


def enrolment_status_set(*, by, instance: Enrollment, data: dict) -> Enrollment:
    """The admin's enrolment edit: its only field is the status."""
    status = data.get("status")
    if status == Enrollment.Status.WITHDRAWN:
        return enrolment_withdraw(by=by, enrollment=instance)
    if status == Enrollment.Status.ACTIVE:
        return enrolment_reinstate(by=by, enrollment=instance)
    raise ValidationError({"status": _("Kies een geldige status.")})


@transaction.atomic
def enrolment_delete(*, by, instance: Enrollment) -> None:
    """Remove an enrolment made by mistake. What the learner did stays (progress keeps its
    rows, without the enrolment); to end taking part, withdraw instead."""
    _check(by=by, enrollment=instance)
    instance.delete()


def _current_school_year():
    year = SchoolYear.current()
    if year is None:
        raise ValidationError(
            _("Er is geen actueel schooljaar ingesteld. Vraag de beheerder dit toe te voegen.")
        )
    return year


def enrol_check(*, user, programme, by, unit=None):
    """Whether `by` may enrol `user` in `programme` (for `unit`); returns the unit the enrolment
    belongs to. Raises PermissionDenied or ValidationError."""
    if by.pk == user.pk and unit is None:
        if not may_enrol_self(by, programme):
            raise PermissionDenied
        unit_ids = permissions.member_unit_ids(user)
        return (
            permissions.visible_units(user).filter(pk__in=list(unit_ids)).first()
            if unit_ids
            else None
        )
    if unit is None or not permissions.progress_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    if not unit.memberships.current().filter(user=user).exists():
        raise ValidationError(_("Deze persoon hoort niet bij %(unit)s.") % {"unit": unit.name})
    return unit


def enrol(*, user, programme, by, unit=None, school_year=None):
    """Enrol `user` in `programme` for a school year. Learners enrol themselves where the
    programme allows it; team leads enrol members of their own unit. Idempotent."""
    school_year = school_year or _current_school_year()
    unit = enrol_check(user=user, programme=programme, by=by, unit=unit)
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            user=user,
            programme=programme,
            school_year=school_year,
            defaults={"unit": unit, "enrolled_by": by},
        )
        if not created and enrollment.status != Enrollment.Status.ACTIVE:
            enrollment.status = Enrollment.Status.ACTIVE
            enrollment.save(update_fields=["status"])
    return enrollment


def enrol_placed(*, user, programme, unit, school_year=None):
    """Enrol `user` in `programme` for `unit` on the authority of a placement a platform admin
    made (an LTI platform's course placed at that school, docs/lti.md): the platform vouches
    for the learner being in its course; the learner is a member of `unit`. Idempotent."""
    if not unit.memberships.current().filter(user=user).exists():
        raise ValidationError(_("Deze persoon hoort niet bij %(unit)s.") % {"unit": unit.name})
    school_year = school_year or _current_school_year()
    with transaction.atomic():
        enrollment, created = Enrollment.objects.get_or_create(
            user=user,
            programme=programme,
            school_year=school_year,
            defaults={"unit": unit, "enrolled_by": None},
        )
        if not created and enrollment.status != Enrollment.Status.ACTIVE:
            enrollment.status = Enrollment.Status.ACTIVE
            enrollment.save(update_fields=["status"])
    return enrollment


def enrol_members(*, by, unit, programme, user_ids) -> int:
    """Enrol several members of `unit` at once; all or nothing."""
    users = list(get_user_model().objects.filter(pk__in=user_ids))
    if len(users) != len(set(user_ids)):
        raise ValidationError(_("Een of meer gekozen personen bestaan niet."))
    with transaction.atomic():
        for user in users:
            enrol(user=user, programme=programme, by=by, unit=unit)
    return len(users)


# --- progress ----------------------------------------------------------------------------


def enrol_after_join(invitation, membership) -> None:
    """A person accepted an invitation to join a unit that came with an enrolment (a staff
    list): enrol them as the inviter asked, if the inviter still leads that unit's team."""
    programme_id = (invitation.payload or {}).get("programme")
    by = invitation.invited_by
    if not isinstance(programme_id, int) or by is None or membership.unit_id is None:
        return
    programme = ProgrammePage.objects.filter(pk=programme_id).first()
    if (
        programme is None
        or not permissions.progress_units(by).filter(pk=membership.unit_id).exists()
    ):
        return
    enrol(user=membership.user, programme=programme, by=by, unit=membership.unit)


def on_membership_ended(sender, instance, **kwargs) -> None:
    """A membership was removed or deactivated: what it brought ends with it. Enrolments
    that belonged to that unit are detached from it (the person keeps their own progress,
    points and certificates; the school no longer sees them in Team, progress or exports)
    — unless the person is still a current member of that unit."""
    if instance.unit_id is None:
        return
    if instance.is_active and "created" in kwargs:  # post_save of an active membership
        return

    if (
        Membership.objects.current()
        .filter(user_id=instance.user_id, unit_id=instance.unit_id)
        .exists()
    ):
        return
    Enrollment.objects.filter(user_id=instance.user_id, unit_id=instance.unit_id).update(unit=None)
