"""Removing sessions and registrations: refused once attendance is recorded, because
attendance is evidence (register points, certificates, completion) that must not vanish
with the row."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Attendance, Session, SessionRegistration
from ..selectors.sessions import sessions_managed_by


@transaction.atomic
def registration_delete(*, by, instance: SessionRegistration) -> None:
    """A session's manager removes a registration; refused once its attendance is recorded."""
    if not sessions_managed_by(by).filter(pk=instance.session_id).exists():
        raise PermissionDenied
    registration = SessionRegistration.objects.select_for_update().get(pk=instance.pk)
    if registration.attendance != Attendance.UNKNOWN:
        raise ValidationError(
            _(
                "De aanwezigheid van deze aanmelding is al geregistreerd; de aanmelding kan "
                "daarom niet meer worden verwijderd."
            )
        )
    registration.delete()


@transaction.atomic
def session_delete(*, by, instance: Session) -> None:
    """A session's manager removes a session; refused once attendance of anybody is
    recorded."""
    if not sessions_managed_by(by).filter(pk=instance.pk).exists():
        raise PermissionDenied
    session = Session.objects.select_for_update().get(pk=instance.pk)
    if session.registrations.exclude(attendance=Attendance.UNKNOWN).exists():
        raise ValidationError(
            _(
                "Bij deze bijeenkomst is al aanwezigheid geregistreerd; de bijeenkomst kan "
                "daarom niet meer worden verwijderd."
            )
        )
    session.delete()
