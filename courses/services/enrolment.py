"""Writes on an enrolment after it exists: withdrawing and reinstating (the admin's status
edit, and anything else that changes an enrolment's status)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Enrollment
from ..permissions import manageable_enrollments


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
