"""Delivering an invitation to join a unit: the join link's token and the e-mail (the body of
organisations.tasks.send_join_invitation). Apart from the services, which enqueue that task, so
that the task does not import the services back."""

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from .models import MembershipInvitation

JOIN_SALT = "glans.organisations.join"


def join_token(invitation) -> str:
    """The signed token of a join link."""
    return signing.TimestampSigner(salt=JOIN_SALT).sign_object({"i": invitation.pk})


def join_invitation_deliver(*, invitation_id: int) -> bool:
    """E-mail one join invitation to the person's own address (the task's body)."""
    invitation = (
        MembershipInvitation.objects.select_related("user", "unit", "invited_by")
        .filter(pk=invitation_id, accepted_at__isnull=True, declined_at__isnull=True)
        .first()
    )
    if invitation is None or not (invitation.user.is_active and invitation.user.email):
        return False
    base = getattr(settings, "GLANS_PUBLIC_BASE_URL", None) or getattr(
        settings, "WAGTAILADMIN_BASE_URL", ""
    )
    url = (base or "").rstrip("/") + reverse("glans_join:join", args=[join_token(invitation)])
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "glans_organisations/email/join_invitation.txt",
            {"invitation": invitation, "url": url},
        )
        subject = _("Uitnodiging om mee te doen met %(unit)s op GLANS") % {
            "unit": invitation.unit.name if invitation.unit_id else _("de academie")
        }
    send_mail(subject, body, None, [invitation.user.email])
    return True
