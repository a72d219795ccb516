"""Background work for organisations: the AVG retention rule."""

from celery import shared_task
from django.conf import settings

from . import privacy
from .join_invitations import join_invitation_deliver


@shared_task
def erase_inactive_people() -> int:
    """Anonymise accounts inactive for GLANS_ERASE_INACTIVE_AFTER_YEARS years (off when the
    setting is empty or 0). Idempotent: anonymised accounts are skipped, vetoed ones (an open
    certification dossier) wait for a later run."""
    years = getattr(settings, "GLANS_ERASE_INACTIVE_AFTER_YEARS", None)
    if not years:
        return 0
    return privacy.erase_inactive(years=int(years))


@shared_task
def send_join_invitation(invitation_id: int) -> bool:
    """E-mail the invitation to join a unit to the invited account's own address."""
    return join_invitation_deliver(invitation_id=invitation_id)
