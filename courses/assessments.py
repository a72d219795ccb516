"""The practical assessment of Train-de-Trainer (services and reads). A participant records one
team session they led at their own school (planned, held and with attendance recorded through
the team-session mode) with a short reflection on the calibration; an academy trainer confirms
it against the rubric or returns it with a note. A programme that requires it completes only
after the confirmation; the completion receivers (points, certificate) follow as for any
completion."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from glans_learning.organisations import permissions

from . import completion
from .models import ATTENDED, Enrollment, PracticalAssessment, ProgrammePage, Session

MIN_REFLECTION_CHARS = 150

# What the trainer checks before confirming: every item must be met.
RUBRIC = [
    (
        "plan",
        gettext_lazy("Het plan volgt de trainershandleiding: doel, tijdlijn en werkvormen."),
    ),
    ("team", gettext_lazy("Het team was erbij: de aanwezigheid is vastgelegd.")),
    (
        "kalibratie",
        gettext_lazy(
            "De kalibratie is besproken: het team vergeleek waarderingen en legde verschillen uit."
        ),
    ),
    (
        "reflectie",
        gettext_lazy("De reflectie laat zien wat de deelnemer leerde over de eigen rol."),
    ),
]
RUBRIC_KEYS = [key for key, _label in RUBRIC]


def eligible_sessions(*, user, programme):
    """Team sessions the user led with one of the programme's guides, that have ended and
    have attendance recorded."""
    return (
        Session.objects.filter(
            planned_by=user,
            unit__isnull=False,
            guide__path__startswith=programme.path,
            ends_at__lte=timezone.now(),
            registrations__attendance__in=list(ATTENDED),
        )
        .distinct()
        .order_by("-starts_at")
    )


def assessment_for(*, user, programme) -> PracticalAssessment | None:
    return PracticalAssessment.objects.filter(user=user, programme=programme).first()


def open_assessments():
    """What trainers still have to judge, oldest first."""
    return (
        PracticalAssessment.objects.filter(status=PracticalAssessment.Status.SUBMITTED)
        .select_related("user", "programme", "session", "session__unit")
        .annotate(
            present=Count(
                "session__registrations",
                filter=Q(session__registrations__attendance__in=list(ATTENDED)),
            )
        )
        .order_by("submitted_at")
    )


@transaction.atomic
def assessment_record(*, user, programme: ProgrammePage, session_id, reflection: str):
    """The participant records (or, after a return, records again) their team session."""
    if not programme.requires_practical_assessment:
        raise ValidationError(_("Dit programma heeft geen praktijktoets."))
    if not Enrollment.objects.active().filter(user=user, programme=programme).exists():
        raise PermissionDenied
    session = eligible_sessions(user=user, programme=programme).filter(pk=session_id).first()
    if session is None:
        raise ValidationError(
            _(
                "Kies een teambijeenkomst die jij leidde, die voorbij is en waarvan de "
                "aanwezigheid is vastgelegd."
            )
        )
    reflection = (reflection or "").strip()
    if len(reflection) < MIN_REFLECTION_CHARS:
        raise ValidationError(
            _("Schrijf een reflectie van minstens %(n)s tekens.") % {"n": MIN_REFLECTION_CHARS}
        )
    existing = (
        PracticalAssessment.objects.select_for_update()
        .filter(user=user, programme=programme)
        .first()
    )
    if existing is not None and existing.status == PracticalAssessment.Status.CONFIRMED:
        raise ValidationError(_("Je praktijktoets is al bevestigd."))
    assessment = existing or PracticalAssessment(user=user, programme=programme)
    assessment.session = session
    assessment.reflection = reflection
    assessment.status = PracticalAssessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.decided_at = None
    assessment.save()
    return assessment


@transaction.atomic
def assessment_decide(*, trainer, assessment_id, checked, note: str = "", confirm: bool):
    """An academy trainer confirms (every rubric item met) or returns (with a note)."""
    if not permissions.is_academy_trainer(trainer):
        raise PermissionDenied
    assessment = PracticalAssessment.objects.select_for_update().filter(pk=assessment_id).first()
    if assessment is None:
        raise ValidationError(_("Deze praktijktoets bestaat niet."))
    if assessment.status != PracticalAssessment.Status.SUBMITTED:
        raise ValidationError(_("Deze praktijktoets is al beoordeeld."))
    rubric = {key: key in set(checked or []) for key in RUBRIC_KEYS}
    note = (note or "").strip()
    if confirm and not all(rubric.values()):
        raise ValidationError(
            _(
                "Bevestig pas als aan elk punt van de rubriek is voldaan; geef de toets anders "
                "terug met een toelichting."
            )
        )
    if not confirm and not note:
        raise ValidationError(_("Schrijf bij het teruggeven wat de deelnemer moet aanvullen."))
    assessment.rubric = rubric
    assessment.trainer = trainer
    assessment.trainer_note = note
    assessment.decided_at = timezone.now()
    assessment.status = (
        PracticalAssessment.Status.CONFIRMED if confirm else PracticalAssessment.Status.RETURNED
    )
    assessment.save()
    if confirm:
        completion.check_programme(user=assessment.user, programme_id=assessment.programme_id)
    return assessment
