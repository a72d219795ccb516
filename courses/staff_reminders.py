"""Writes behind 'Wie mist er nog?' (services): a team lead re-sends an invitation or sends a
reminder, at most once a day per person (recorded), only for people of their own unit."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.core.invitations import last_invitations, needs_activation
from glans_learning.core.notifications import was_sent
from glans_learning.core.services import invitation_send
from glans_learning.core.tasks import enqueue
from glans_learning.organisations import permissions
from glans_learning.organisations.models import Membership

from .models import Enrollment, ProgrammeCompletion
from .selectors.staff import director_reminder_key, reminder_key
from .tasks import send_staff_reminder


def _member_or_denied(*, by, unit, user_id: int):
    if not permissions.progress_units(by).filter(pk=unit.pk).exists():
        raise PermissionDenied
    membership = (
        Membership.objects.current().filter(unit=unit, user_id=user_id).select_related("user")
    ).first()
    if membership is None:
        raise ValidationError(_("Deze persoon hoort niet (meer) bij dit team."))
    return membership.user


def staff_invite(*, by, unit, user_id: int):
    """Re-send the invitation of a team member who has not activated their account."""
    user = _member_or_denied(by=by, unit=unit, user_id=user_id)
    if not needs_activation(user):
        raise ValidationError(_("Deze persoon heeft het account al geactiveerd."))
    if not user.email:
        raise ValidationError(_("Van deze persoon is geen e-mailadres bekend."))
    last = last_invitations(user_ids=[user.pk]).get(user.pk)
    if last and timezone.localdate(last.created_at) == timezone.localdate():
        raise ValidationError(_("Deze persoon is vandaag al uitgenodigd. Probeer het morgen."))
    return invitation_send(user=user, by=by)


def staff_remind(*, by, unit, user_id: int, programme) -> None:
    """A reminder to a team member who is enrolled but not done, once a day (notify_once)."""
    user = _member_or_denied(by=by, unit=unit, user_id=user_id)
    if needs_activation(user):
        raise ValidationError(_("Stuur eerst een uitnodiging: het account is nog niet actief."))
    if not Enrollment.objects.active().filter(user=user, programme=programme).exists():
        raise ValidationError(_("Deze persoon is niet ingeschreven."))
    if ProgrammeCompletion.objects.filter(user=user, programme=programme).exists():
        raise ValidationError(_("Deze persoon heeft het al afgerond."))
    key = reminder_key(programme_id=programme.pk)
    if was_sent(director_reminder_key(user_id=user.pk, key=key)):
        raise ValidationError(_("Deze persoon heeft vandaag al een herinnering gekregen."))
    enqueue(send_staff_reminder, user.pk, programme.pk, key, by.pk)
