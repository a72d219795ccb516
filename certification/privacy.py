"""This app's part of the AVG rights (see organisations/privacy.py). Audit dossiers are the
school's and the academy's record of a certification decision: they are kept, linked to the
anonymised account; and nobody is erased while an open dossier includes them (veto)."""

from django.db.models import Q
from django.utils.translation import gettext as _
from wagtail import hooks

from glans_learning.organisations.privacy import (
    ERASE_HOOK,
    EXPORT_HOOK,
    REGISTER_HOOK,
    VETO_HOOK,
    Entry,
    not_personal,
    rows,
)

from .models import (
    OPEN_STATUSES,
    Application,
    AuditEvent,
    Certificate,
    CheckIn,
    CriterionReview,
    Handbook,
    HandbookAttachment,
    HandbookComment,
)

DOSSIER = "legitimate interest / task of the certifying academy (art. 6(1)(f)), the decision"
PEOPLE = ("submitted_by", "auditor", "second_auditor", "decided_by")


def _applications_of(user):
    return Application.objects.filter(
        Q(submitted_by=user)
        | Q(auditor=user)
        | Q(second_auditor=user)
        | Q(decided_by=user)
        | Q(reviews__reviewed_by=user)
        | Q(events__actor=user)
    ).distinct()


@hooks.register(VETO_HOOK)
def open_dossier(user):
    open_check_in = CheckIn.objects.filter(
        Q(confirmed_by=user) | Q(accepted_by=user), accepted_at__isnull=True
    )
    if _applications_of(user).filter(status__in=OPEN_STATUSES).exists() or open_check_in.exists():
        return _(
            "Deze persoon hoort bij een open certificeringsdossier. Anonimiseren kan pas als "
            "het besluit over dat dossier is genomen."
        )
    return None


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_certification.Application": rows(
            _applications_of(user), "unit__name", "status", "submitted_at", "decided_at"
        ),
        "glans_certification.CriterionReview": rows(
            CriterionReview.objects.filter(reviewed_by=user),
            "application__unit__name",
            "verdict",
            "remarks",
            "reviewed_at",
        ),
        "glans_certification.AuditEvent": rows(
            AuditEvent.objects.filter(actor=user), "application__unit__name", "action", "at"
        ),
        "glans_certification.Certificate": rows(
            Certificate.objects.filter(revoked_by=user),
            "unit__name",
            "code",
            "revoked_at",
            "revoked_reason",
        ),
        "glans_certification.Handbook": rows(
            Handbook.objects.filter(locked_by=user), "unit__name", "locked_at"
        ),
        "glans_certification.CheckIn": rows(
            CheckIn.objects.filter(Q(confirmed_by=user) | Q(accepted_by=user)),
            "certificate__unit__name",
            "due_on",
            "remarks",
            "confirmed_at",
            "accepted_at",
            "accepted_remarks",
        ),
        "glans_certification.HandbookComment": rows(
            HandbookComment.objects.filter(author=user),
            "handbook__unit__name",
            "body",
            "created_at",
        ),
        "glans_certification.HandbookAttachment": rows(
            HandbookAttachment.objects.filter(uploaded_by=user),
            "handbook__unit__name",
            "title",
            "size",
            "uploaded_at",
            "removed_at",
        ),
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    # The team's own working notes are the person's free text; the dossier itself stays.
    HandbookComment.objects.filter(author=user).update(body="")


@hooks.register(REGISTER_HOOK)
def register():
    kept = "kept with the dossier, linked to the anonymised account"
    return {
        "glans_certification.Application": Entry(
            "a school's certification dossier: who submitted, audited, decided; remarks",
            "certifying schools",
            DOSSIER,
            "as long as the certificate and its register entry matter",
            "the school's director; auditors; platform admins",
            kept + "; erasure refused while the dossier is open",
        ),
        "glans_certification.CriterionReview": Entry(
            "an auditor's verdict and remarks per criterion",
            "certifying schools",
            DOSSIER,
            "with the dossier",
            "auditors; the school's director",
            kept,
        ),
        "glans_certification.AuditEvent": Entry(
            "each step of an audit and who took it",
            "accountability of the certification",
            DOSSIER,
            "with the dossier",
            "auditors; platform admins",
            kept,
        ),
        "glans_certification.Certificate": Entry(
            "school certificates; who revoked one and why",
            "public register of certified schools",
            DOSSIER,
            "as long as the certificate matters",
            "public (school, status); reasons: platform admins",
            kept,
        ),
        "glans_certification.Handbook": Entry(
            "who has locked a handbook for editing",
            "editing the school's handbook",
            "task of the school (art. 6(1)(e))",
            "while the handbook exists",
            "the school's editors",
            kept,
        ),
        "glans_certification.CheckIn": Entry(
            "yearly check-ins of a certified school: who confirmed and accepted, remarks",
            "keeping a school certificate valid",
            DOSSIER,
            "as long as the certificate matters",
            "the school's director; auditors",
            kept + "; erasure refused while a check-in they confirmed awaits acceptance",
        ),
        "glans_certification.HandbookComment": Entry(
            "the school team's notes on handbook sections (free text), with the author",
            "writing the handbook together",
            "task of the school (art. 6(1)(e))",
            "while the handbook exists; text cleared on erasure",
            "the school's team (never the academy)",
            "text cleared",
        ),
        "glans_certification.HandbookAttachment": Entry(
            "files supporting handbook sections, who uploaded them",
            "evidence in the handbook and the dossier",
            "task of the school (art. 6(1)(e))",
            "with the handbook and the dossiers that list it",
            "the school's team; auditors of a submitted dossier",
            kept,
        ),
        "glans_certification.CriterionSet": not_personal("names of criterion sets"),
    }
