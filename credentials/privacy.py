"""This app's part of the AVG rights (see organisations/privacy.py): register points,
certificates and xAPI statements of a person. A certificate stays verifiable after erasure
("uitgegeven; houder geanonimiseerd"), without the name."""

from django.db.models import Q
from django.utils import timezone
from wagtail import hooks

from glans_learning.organisations.privacy import (
    ERASE_HOOK,
    EXPORT_HOOK,
    REGISTER_HOOK,
    Entry,
    rows,
)

from .models import Certificate, LearningRecord, PointsEntry, RegisterCycle

LEARNING = "agreement with the school board (art. 6(1)(b)/(e))"


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_credentials.PointsEntry": rows(
            PointsEntry.objects.filter(Q(user=user) | Q(created_by=user)),
            "register__name",
            "user_id",
            "amount",
            "earned_on",
            "source_type",
            "description",
            "accreditation_id",
            "theme",
            "reason",
        ),
        "glans_credentials.RegisterCycle": rows(
            RegisterCycle.objects.filter(user=user), "register__name", "starts_on"
        ),
        "glans_credentials.Certificate": rows(
            Certificate.objects.filter(Q(user=user) | Q(revoked_by=user)),
            "user_id",
            "programme_title",
            "learner_name",
            "value_text",
            "completed_on",
            "issued_at",
            "code",
            "revoked_at",
            "revocation_reason",
        ),
        "glans_credentials.LearningRecord": rows(
            LearningRecord.objects.filter(user=user), "id", "verb", "statement", "created_at"
        ),
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    # The PDF and the signed credentials carry the name: they go; the code, the programme
    # and the status list stay, so a verification still answers.
    Certificate.objects.filter(user=user).update(
        learner_name="", pdf=None, credential_jwt="", holder_anonymised_at=timezone.now()
    )
    PointsEntry.objects.filter(user=user).update(reason="")


@hooks.register(REGISTER_HOOK)
def register():
    return {
        "glans_credentials.PointsEntry": Entry(
            "registration points and hours earned, corrections with a reason",
            "proof for professional registers (e.g. Schoolleidersregister PO)",
            LEARNING,
            "kept (school totals); correction reasons cleared on erasure",
            "the learner; platform admins; register exports",
            "kept pseudonymous, reason cleared",
        ),
        "glans_credentials.RegisterCycle": Entry(
            "start of a person's register cycle",
            "totals per cycle",
            LEARNING,
            "while the account exists",
            "the learner; platform admins",
            "kept",
        ),
        "glans_credentials.Certificate": Entry(
            "certificates of participation: name, programme, value, code, PDF, credential",
            "proof of participation, verifiable by third parties",
            LEARNING,
            "kept verifiable; name, PDF and credential removed on erasure",
            "the learner; anyone with the code sees valid/revoked only",
            "name, PDF and signed credential removed; verification says holder anonymised",
        ),
        "glans_credentials.LearningRecord": Entry(
            "xAPI statements (pseudonymous account id, activity, verb, result)",
            "learning records, forwarded to the configured LRS",
            LEARNING,
            "kept pseudonymous",
            "platform admins; the configured LRS",
            "kept (holds only the pseudonymous account id)",
        ),
    }
