"""Invitations (services): people added by a staff-list upload or the admin have no usable
password. They get an e-mail with a signed, expiring set-password link; using it sets their
password, which also makes every earlier link for them stale (the link carries a
fingerprint of the password it was made for)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from .links import public_base_url
from .models import AccountInvitation

INVITATION_SALT = "glans.core.invitation"
DEFAULT_MAX_AGE = 14 * 24 * 60 * 60  # 14 days


class InvitationError(Exception):
    """An invitation link that is invalid, expired or already used."""


def invitation_max_age() -> int:
    return int(getattr(settings, "GLANS_INVITATION_MAX_AGE", DEFAULT_MAX_AGE))


def needs_activation(user) -> bool:
    """Whether the person has never set a password (and so cannot log in yet)."""
    return not user.has_usable_password()


def _fingerprint(user) -> str:
    return salted_hmac(INVITATION_SALT, user.password or "").hexdigest()[:20]


def invitation_token(*, user) -> str:
    return signing.TimestampSigner(salt=INVITATION_SALT).sign_object(
        {"u": user.pk, "p": _fingerprint(user)}
    )


def invitation_check(*, token: str):
    """The person an invitation link is for; InvitationError if invalid, expired or used."""
    try:
        data = signing.TimestampSigner(salt=INVITATION_SALT).unsign_object(
            token, max_age=invitation_max_age()
        )
    except signing.SignatureExpired as exc:
        raise InvitationError(_("Deze uitnodiging is verlopen.")) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise InvitationError(_("Deze uitnodigingslink is ongeldig.")) from exc
    if not isinstance(data, dict) or not {"u", "p"} <= set(data):
        raise InvitationError(_("Deze uitnodigingslink is ongeldig."))
    user = get_user_model().objects.filter(pk=data["u"], is_active=True).first()
    if user is None or data["p"] != _fingerprint(user) or not needs_activation(user):
        raise InvitationError(_("Deze uitnodiging is al gebruikt."))
    return user


@transaction.atomic
def invitation_accept(*, token: str, password: str):
    """Use an invitation link: set the invited person's (validated) password, which makes the
    link and every earlier one stale. InvitationError if the link is invalid, expired or
    used (also when two tabs submit at once: the row is locked and checked again)."""
    user = invitation_check(token=token)
    user = get_user_model().objects.select_for_update().get(pk=user.pk)
    if not needs_activation(user):
        raise InvitationError(_("Deze uitnodiging is al gebruikt."))
    user.set_password(password)
    user.save(update_fields=["password"])
    return user


def last_invitations(*, user_ids) -> dict[int, AccountInvitation]:
    """The latest invitation per person (one query)."""
    latest: dict[int, AccountInvitation] = {}
    for invitation in AccountInvitation.objects.filter(user_id__in=list(user_ids)).order_by(
        "created_at"
    ):
        latest[invitation.user_id] = invitation
    return latest


def _base_url() -> str:
    return public_base_url()


def invitation_deliver(*, invitation_id: int) -> bool:
    """Send one invitation's e-mail, at most once (the task's body)."""
    with transaction.atomic():
        invitation = (
            AccountInvitation.objects.select_for_update(of=("self",))
            .select_related("user", "sent_by")
            .filter(pk=invitation_id, sent_at__isnull=True)
            .first()
        )
        if invitation is None:
            return False
        user = invitation.user
        if not (user.is_active and user.email and needs_activation(user)):
            return False
        path = reverse("glans_accounts:invitation", args=[invitation_token(user=user)])
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string(
                "glans_core/email/invitation.txt",
                {
                    "user": user,
                    "sent_by": invitation.sent_by,
                    "url": _base_url() + path,
                    "days": max(1, invitation_max_age() // 86400),
                    "reset_url": _base_url() + reverse("glans_accounts:password_reset"),
                },
            )
            subject = _("Je account bij GLANS: kies je wachtwoord")
        send_mail(subject, body, None, [user.email])
        invitation.sent_at = timezone.now()
        invitation.save(update_fields=["sent_at"])
        return True
