"""Writes of the plugin shell (services): personal API tokens."""

from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from wagtail.log_actions import log

from .invitations import needs_activation
from .middleware import requires_two_factor
from .models import AccountInvitation, ApiToken
from .tasks import enqueue, send_invitation


def api_token_create(*, user, name: str, scope: str | None = None, verified: bool = False):
    """Create a personal API token; returns the token and the key (shown only once).

    Keys of people whose role must use two factors (platform admins, auditors) are made only
    from a session with a verified second factor (`verified`), are read-only unless
    `scope="write"` is asked for, and expire after GLANS_ELEVATED_API_KEY_DAYS days. Other
    people's keys read and write and do not expire, as before."""
    elevated = requires_two_factor(user)  # the roles that must use two factors (hook)
    if elevated and not verified:
        raise PermissionDenied(
            _("Maak een API-sleutel pas nadat je tweestapsverificatie hebt bevestigd.")
        )
    if scope not in (None, ApiToken.Scope.READ, ApiToken.Scope.WRITE):
        raise ValidationError({"scope": [_("Kies 'read' of 'write'.")]})
    key = ApiToken.generate_key()
    token = ApiToken(
        user=user,
        name=name,
        prefix=key[:10],
        key_hash=ApiToken.hash_key(key),
        scope=scope or (ApiToken.Scope.READ if elevated else ApiToken.Scope.WRITE),
        two_factor=bool(verified),
        expires_at=(
            timezone.now() + timedelta(days=getattr(settings, "GLANS_ELEVATED_API_KEY_DAYS", 90))
            if elevated
            else None
        ),
    )
    token.full_clean()
    token.save()
    return token, key


def api_token_revoke(*, user, token_id: int) -> bool:
    return bool(
        ApiToken.objects.filter(user=user, pk=token_id, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    )


# --- two-factor authentication (django-otp: TOTP + static backup codes) -----------------

BACKUP_CODE_COUNT = 10


def two_factor_available() -> bool:
    """Whether the host runs django-otp with its TOTP and static plugins (the GLANS site
    does; a host that leaves them out has no two-factor pages)."""
    return all(
        apps.is_installed(a)
        for a in ("django_otp", "django_otp.plugins.otp_totp", "django_otp.plugins.otp_static")
    )


def two_factor_enabled(*, user) -> bool:
    if not two_factor_available():
        return False
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 - django_otp models only with the app installed

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_has_device(*, user) -> bool:
    """Whether the account has any confirmed second factor (an app or backup codes)."""
    if not two_factor_available():
        return False
    from django_otp import devices_for_user  # noqa: PLC0415 - django_otp models only with the app installed

    # A marker device that no one enrols (e.g. the `sso` app's record of a provider's second
    # factor, glans_enrolled_factor = False) is no factor of the account's own.
    return any(
        getattr(device, "glans_enrolled_factor", True)
        for device in devices_for_user(user, confirmed=True)
    )


def two_factor_reset(*, by, user) -> None:
    """A platform admin's reset of somebody's second factor (lost phone and codes): every
    device goes, the reset is logged and the owner is told by e-mail, so a reset they did
    not ask for does not go unnoticed."""
    two_factor_remove(user=user)
    log(instance=user, action="glans.two_factor_reset", user=by, data={"person": user.pk})
    if user.email:
        with translation.override(settings.LANGUAGE_CODE):
            send_mail(
                _("Je tweestapsverificatie bij GLANS is uitgezet"),
                _(
                    "Een beheerder heeft de tweestapsverificatie van je account uitgezet. Stel "
                    "haar opnieuw in bij je volgende aanmelding. Heb je hier niet om gevraagd? "
                    "Neem dan meteen contact op met de beheerder van het platform."
                ),
                None,
                [user.email],
            )


def two_factor_pending_device(*, user):
    """The unconfirmed TOTP device being set up (created on first call, then reused so the
    QR code stays the same across page loads)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 - django_otp models only with the app installed

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="GLANS", confirmed=False)
    return device


@transaction.atomic
def two_factor_confirm(*, user, token: str) -> list[str] | None:
    """Confirm the pending TOTP device with a code from the app; on success returns fresh
    backup codes (shown once), else None and nothing changes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 - django_otp models only with the app installed

    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None or not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return two_factor_new_backup_codes(user=user)


@transaction.atomic
def two_factor_new_backup_codes(*, user) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken  # noqa: PLC0415 - django_otp models only with the app installed

    StaticDevice.objects.filter(user=user).delete()
    static = StaticDevice.objects.create(user=user, name=str(_("Reservecodes")), confirmed=True)
    codes = [StaticToken.random_token() for _i in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
    return codes


def two_factor_remove(*, user) -> None:
    from django_otp.plugins.otp_static.models import StaticDevice  # noqa: PLC0415 - django_otp models only with the app installed
    from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: PLC0415 - django_otp models only with the app installed

    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# --- e-mail address change (confirmed through a signed, expiring link) ------------------

EMAIL_CHANGE_SALT = "glans.core.email-change"


class EmailChangeError(Exception):
    """A confirmation link that is invalid, expired, used, or for an address now taken."""


def profile_name_set(*, user, first_name: str, last_name: str):
    """A person sets their own name (the profile page). Surrounding whitespace is dropped."""
    user.first_name, user.last_name = first_name.strip()[:150], last_name.strip()[:150]
    user.save(update_fields=["first_name", "last_name"])
    return user


def _email_taken(email: str, *, exclude_user) -> bool:
    return get_user_model().objects.filter(email__iexact=email).exclude(pk=exclude_user.pk).exists()


def email_change_request(*, user, new_email: str, confirm_url_for) -> None:
    """Send a confirmation link to `new_email`; the account keeps its address until the link
    is used. If another account already has the address, that address gets a notice instead
    of a link, and the caller's answer is the same (no way to find out who has an account)."""
    new_email = new_email.strip()
    if _email_taken(new_email, exclude_user=user):
        body = render_to_string("glans_core/email/email_change_taken.txt", {"email": new_email})
        subject = _("Je e-mailadres bij GLANS")
    else:
        token = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).sign_object(
            {"user": user.pk, "new": new_email, "old": user.email}
        )
        body = render_to_string(
            "glans_core/email/email_change_confirm.txt",
            {
                "url": confirm_url_for(token),
                "hours": max(1, settings.GLANS_EMAIL_CHANGE_MAX_AGE // 3600),
            },
        )
        subject = _("Bevestig je nieuwe e-mailadres bij GLANS")
    send_mail(subject, body, None, [new_email])


def email_change_check(*, token: str):
    """The (user, new address) a confirmation link stands for; EmailChangeError if invalid."""
    try:
        data = signing.TimestampSigner(salt=EMAIL_CHANGE_SALT).unsign_object(
            token, max_age=settings.GLANS_EMAIL_CHANGE_MAX_AGE
        )
    except signing.SignatureExpired as exc:
        raise EmailChangeError(_("Deze link is verlopen. Vraag een nieuwe aan.")) from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise EmailChangeError(_("Deze link is ongeldig.")) from exc
    if not isinstance(data, dict) or not {"user", "new", "old"} <= set(data):
        raise EmailChangeError(_("Deze link is ongeldig."))
    user = get_user_model().objects.filter(pk=data["user"], is_active=True).first()
    if user is None or user.email != data["old"]:
        raise EmailChangeError(_("Deze link is al gebruikt of niet meer geldig."))
    if _email_taken(data["new"], exclude_user=user):
        raise EmailChangeError(_("Dit e-mailadres is al in gebruik."))
    return user, data["new"]


@transaction.atomic
def email_change_confirm(*, token: str):
    user, new_email = email_change_check(token=token)
    user.email = new_email
    user.save(update_fields=["email"])
    return user


# --- invitations (tokens and the e-mail itself: invitations.py) ------------------------


def invitation_send(*, user, by=None) -> AccountInvitation | None:
    """Record an invitation and enqueue its e-mail. Nothing happens (None) for someone who
    already has a password, has no e-mail address or is deactivated."""
    if not (user.is_active and user.email and needs_activation(user)):
        return None
    invitation = AccountInvitation.objects.create(user=user, sent_by=by)
    enqueue(send_invitation, invitation.pk)
    return invitation
