"""AVG (GDPR) rights of a person: export (art. 15/20) and erasure (art. 17), and the
processing register that docs/privacy.md describes.

Every app contributes its own part through Wagtail hooks, so nothing here imports an app
above organisations:

- ``EXPORT_HOOK``: ``hook(user) -> {model label: [row dict, ...]}`` — what the app holds
  about the person (never secrets, never other people's names);
- ``ERASE_HOOK``: ``hook(user) -> None`` — clears the app's free text and copies of names
  about the person (the account itself is anonymised here, so every link to it becomes
  pseudonymous; rows that feed aggregates stay);
- ``VETO_HOOK``: ``hook(user) -> message | None`` — a translated reason why the person
  cannot be erased now (e.g. an open certification audit dossier);
- ``REGISTER_HOOK``: ``hook() -> {model label: Entry}`` — the app's rows of the processing
  register. tests/core/test_privacy.py fails when a model with personal data is missing.
"""

from __future__ import annotations

import datetime
import json
import uuid
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from glans_learning.core.models import AccountInvitation, ApiToken, SentNotification

from . import permissions
from .models import Membership, MembershipInvitation, ScopedLogEntry

EXPORT_HOOK = "glans_personal_data_export"
ERASE_HOOK = "glans_personal_data_erase"
VETO_HOOK = "glans_erasure_veto"
REGISTER_HOOK = "glans_privacy_register"
ANONYMOUS_PREFIX = "geanonimiseerd-"


@dataclass(frozen=True)
class Entry:
    """One row of the processing register (docs/privacy.md)."""

    what: str
    purpose: str
    basis: str
    retention: str
    who: str
    erasure: str
    personal: bool = True


def not_personal(why: str) -> Entry:
    """A model the rule flags (a name-like field) that holds no data about a person."""
    return Entry(why, "", "", "", "", "", personal=False)


def rows(queryset, *fields) -> list[dict]:
    return [dict(row) for row in queryset.values(*fields)]


# --- the parts this app (and core below it) holds ---------------------------------------


def _log_entries_about(user):
    user_type = ContentType.objects.get_for_model(get_user_model())
    about = Q(user=user) | Q(content_type=user_type, object_id=str(user.pk))
    return ScopedLogEntry.objects.filter(about), ModelLogEntry.objects.filter(about)


@hooks.register(EXPORT_HOOK)
def _export_own(user):
    scoped, model_log = _log_entries_about(user)
    log_fields = ("timestamp", "action", "content_type__model", "object_id", "user_id")
    return {
        "auth.User": [
            {
                "id": user.pk,
                "username": user.get_username(),
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "date_joined": user.date_joined,
                "last_login": user.last_login,
                "is_active": user.is_active,
            }
        ],
        "glans_core.ApiToken": rows(
            ApiToken.objects.filter(user=user),
            "name",
            "prefix",
            "created_at",
            "last_used_at",
            "revoked_at",
        ),
        "glans_core.AccountInvitation": rows(
            AccountInvitation.objects.filter(user=user), "created_at", "sent_at"
        ),
        "glans_core.SentNotification": rows(
            SentNotification.objects.filter(user=user), "kind", "key", "sent_at"
        ),
        "glans_organisations.Membership": [
            {
                "unit": m.unit.name if m.unit else None,
                "school_year": m.school_year.label if m.school_year else None,
                "roles": sorted(r.name for r in m.roles.all()),
                "is_active": m.is_active,
                "created_at": m.created_at,
            }
            for m in Membership.objects.filter(user=user)
            .select_related("unit", "school_year")
            .prefetch_related("roles")
        ],
        "glans_organisations.MembershipInvitation": [
            {
                "unit": i.unit.name if i.unit else None,
                "created_at": i.created_at,
                "accepted_at": i.accepted_at,
                "declined_at": i.declined_at,
            }
            for i in MembershipInvitation.objects.filter(user=user).select_related("unit")
        ],
        "glans_organisations.ScopedLogEntry": rows(scoped, *log_fields),
        "wagtailcore.ModelLogEntry": rows(model_log, *log_fields),
    }


@hooks.register(ERASE_HOOK)
def _erase_own(user):
    now = timezone.now()
    # An invitation is only a record that a set-password link went out; the account it was
    # for is disabled by the erasure, so the record goes too.
    AccountInvitation.objects.filter(user=user).delete()

    MembershipInvitation.objects.filter(user=user).delete()
    MembershipInvitation.objects.filter(invited_by=user).update(invited_by=None)
    ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=now)
    ApiToken.objects.filter(user=user).update(name="")
    for entries in _log_entries_about(user):
        entries.update(label="", data={})


@hooks.register(REGISTER_HOOK)
def _register_own():
    return {
        "auth.User": Entry(
            "account: username, name, e-mail, login times",
            "logging in; showing who did what inside the school",
            "agreement with the school board (art. 6(1)(b)/(e) via the board)",
            "while a member; anonymised after GLANS_ERASE_INACTIVE_AFTER_YEARS inactive",
            "the person; school directors; platform admins",
            "names, e-mail and username replaced; account disabled",
        ),
        "glans_core.ApiToken": Entry(
            "API keys: name, prefix, dates (the key itself only as a hash)",
            "access to the API for own integrations",
            "agreement (art. 6(1)(b))",
            "until revoked; revoked and name cleared on erasure",
            "the person; platform admins",
            "revoked, name cleared",
        ),
        "glans_core.AccountInvitation": Entry(
            "invitations with a set-password link: for whom, sent by whom, when",
            "activating accounts made by a staff list or the admin; re-sending",
            "agreement with the school board (art. 6(1)(b)/(e) via the board)",
            "while the account exists; deleted on erasure",
            "the person; school directors; platform admins",
            "deleted",
        ),
        "glans_core.SentNotification": Entry(
            "which reminders and notification mails were sent to whom, when (kind and ids only)",
            "never sending one twice",
            "legitimate interest (art. 6(1)(f))",
            "while the account exists",
            "platform admins",
            "kept, linked to the anonymised account",
        ),
        "glans_organisations.MembershipInvitation": Entry(
            "invitations for an existing account to join a unit: for whom, by whom, when, answer",
            "joining a unit only with the person's own consent",
            "agreement with the school board (art. 6(1)(b)/(e) via the board)",
            "while the account exists; deleted on erasure",
            "the person; platform admins",
            "deleted (the inviter's link is cleared)",
        ),
        "glans_organisations.Membership": Entry(
            "membership of a school/unit with roles per school year",
            "authorisation; team overviews",
            "task of the school (art. 6(1)(e)) via the board's agreement",
            "while a member; kept pseudonymous after erasure (counts per school)",
            "the person; school directors; platform admins",
            "kept, linked to the anonymised account",
        ),
        "glans_organisations.ScopedLogEntry": Entry(
            "admin log: who changed what, when",
            "accountability and security",
            "legitimate interest / legal obligation (art. 6(1)(c)(f))",
            "as long as the logged object exists",
            "school directors (own school); platform admins",
            "labels and data of entries about the person cleared",
        ),
        "glans_organisations.Role": not_personal("role names"),
        "glans_organisations.Board": not_personal("names of school boards"),
        "glans_organisations.OrganisationUnit": not_personal("names of schools and units"),
        "glans_organisations.SchoolYear": not_personal("labels of school years"),
        "glans_organisations.Group": not_personal("names of school groups (e.g. 'Groep 5')"),
    }


# --- services ------------------------------------------------------------------------------


def privacy_register() -> dict[str, Entry]:
    register: dict[str, Entry] = {}
    for hook in hooks.get_hooks(REGISTER_HOOK):
        register.update(hook())
    return register


# Private to the person (reflections, assignment answers): left out of an export that
# someone else (a director, a platform admin) opens.
PRIVATE_FIELDS = frozenset({"answer_text"})
PRIVATE = "—"


def _check(by, user) -> None:
    if not permissions.may_manage_personal_data(by, user):
        raise PermissionDenied


def person_export(*, by, user) -> dict:
    """Everything the platform holds about `user`, per model; for the person themself, the
    directors of their school and platform admins."""
    _check(by, user)
    sections: dict[str, list] = {}
    for hook in hooks.get_hooks(EXPORT_HOOK):
        sections.update(hook(user))
    if by.pk != user.pk:
        for section in sections.values():
            for row in section:
                for name in PRIVATE_FIELDS & row.keys():
                    row[name] = PRIVATE
    return {
        "format": "glans-personal-data/1",
        "generated_at": timezone.now(),
        "person": user.pk,
        "sections": {label: sections[label] for label in sorted(sections)},
    }


def person_export_json(*, by, user) -> str:
    return json.dumps(person_export(by=by, user=user), cls=DjangoJSONEncoder, indent=2)


def is_anonymised(user) -> bool:
    return user.get_username().startswith(ANONYMOUS_PREFIX)


def erasure_refusals(user) -> list[str]:
    return [str(message) for hook in hooks.get_hooks(VETO_HOOK) if (message := hook(user))]


def person_erase(*, by, user) -> None:
    """Anonymise `user` for good: account names, e-mail and free text go, rows that feed
    aggregates and certificates' verifiability stay. Refused (ValidationError, nothing
    changed) while another app vetoes it; logged without the name. `by=None` is the
    retention task."""
    if by is not None:
        _check(by, user)
        if not permissions.may_erase_person(by, user):
            raise PermissionDenied
    if is_anonymised(user):
        raise ValidationError(_("Deze persoon is al geanonimiseerd."))
    refusals = erasure_refusals(user)
    if refusals:
        raise ValidationError(refusals)
    with transaction.atomic():
        for hook in hooks.get_hooks(ERASE_HOOK):
            hook(user)
        user.username = f"{ANONYMOUS_PREFIX}{uuid.uuid4().hex[:12]}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
        permissions.forget_roles(user)

        log(instance=user, action="glans.person_erased", user=by, data={"person": user.pk})


def inactive_people(*, years: int):
    """Accounts without a login (or, never logged in, created) for `years` years; staff and
    superusers are left to the platform admin."""
    cutoff = timezone.now() - datetime.timedelta(days=round(365.25 * years))
    return (
        get_user_model()
        .objects.filter(is_staff=False, is_superuser=False)
        .exclude(username__startswith=ANONYMOUS_PREFIX)
        .filter(Q(last_login__lt=cutoff) | Q(last_login__isnull=True, date_joined__lt=cutoff))
    )


def erase_inactive(*, years: int) -> int:
    """The retention rule: anonymise every inactive account that no app vetoes. Idempotent
    (anonymised accounts are skipped)."""
    erased = 0
    for user in inactive_people(years=years).iterator():
        try:
            person_erase(by=None, user=user)
        except ValidationError:
            continue
        erased += 1
    return erased
