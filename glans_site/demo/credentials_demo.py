"""Demo credentials: directeur.zonnebloem has completed Train-de-Trainer, holds its
certificate and has points on the Schoolleidersregister PO (and hours for the kick-off);
leraar.zonnebloem is half-way the yearly workshop (real visits, answers and completions)."""

import contextlib
import datetime
from decimal import Decimal

from django.utils import timezone

from glans_learning.courses.models import (
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
    ProgrammePage,
    Register,
    Session,
    SessionRegistration,
)
from glans_learning.credentials import tasks
from glans_learning.credentials.models import Accreditation


def seed_credentials(*, users):
    _workshop_half_way(users.get("leraar.zonnebloem"))
    tdt = ProgrammePage.objects.filter(audience="tdt").first()
    user = users.get("directeur.zonnebloem")
    if tdt is None or user is None:
        return
    portfolio = Register.objects.filter(unit=Register.Unit.HOURS).order_by("pk").first()
    kickoff = Session.objects.filter(programme=tdt).order_by("starts_at").first()
    if portfolio is not None and kickoff is not None:
        Accreditation.objects.get_or_create(
            register=portfolio,
            session=kickoff,
            defaults={"value": Decimal(3), "accreditation_id": "DEMO-RU-AFTRAP"},
        )
    done_at = timezone.now() - datetime.timedelta(days=2)
    for module in ModulePage.objects.live().descendant_of(tdt):
        ModuleCompletion.objects.get_or_create(
            user=user, module=module, defaults={"completed_at": done_at}
        )
    completion, _ = ProgrammeCompletion.objects.get_or_create(
        user=user, programme=tdt, defaults={"completed_at": done_at}
    )
    # The receivers enqueue the same work after commit; running it here as well makes the
    # demo complete without a worker, and the tasks are idempotent.
    tasks.record_programme_completion(completion.pk)
    for registration in SessionRegistration.objects.filter(user=user, session__programme=tdt):
        tasks.record_attendance(registration.pk)


DEMO_REFLECTION = (
    "Ik begin met een open vraag aan de ouder en luister eerst naar wat die over het kind "
    "vertelt, voordat ik zelf iets zeg over hoe het in de groep gaat."
)


def _workshop_half_way(user):
    """Enrolled in the yearly workshop with the first half of its lessons completed through
    the same services the pages use (visits, answers, completions). Once: a learner who is
    already enrolled is left alone."""
    from django.core.exceptions import ValidationError

    from glans_learning.content.blocks import min_answer_length
    from glans_learning.courses import services
    from glans_learning.courses.models import Enrollment, LessonPage

    workshop = ProgrammePage.objects.filter(audience="workshop").first()
    if user is None or workshop is None:
        return
    if Enrollment.objects.filter(user=user, programme=workshop).exists():
        return
    services.enrol(user=user, programme=workshop, by=user)
    lessons = list(LessonPage.objects.live().descendant_of(workshop).order_by("path"))
    for lesson in lessons[: len(lessons) // 2]:
        services.lesson_open(user=user, lesson=lesson)
        for child in lesson.activity_blocks:
            if child.block_type == "knowledge_check":
                options = list(child.value["options"])
                choice = next(i for i, o in enumerate(options) if o["is_correct"])
                services.activity_submit(user=user, lesson=lesson, block_id=child.id, choice=choice)
            elif child.block_type in ("reflection", "assignment"):
                text = DEMO_REFLECTION
                text += "." * max(0, min_answer_length(child.value) - len(text))
                services.activity_submit(user=user, lesson=lesson, block_id=child.id, answer=text)
            elif child.block_type == "exercise":
                # The demo's learner did the lesson's exercise (as its block reports a result).
                services.exercise_result_record(
                    user=user, lesson=lesson, block_id=child.id, score=1.0
                )
        # Completed already by its rule, or an exercise is still open: both are fine.
        with contextlib.suppress(ValidationError):
            services.lesson_mark_done(user=user, lesson=lesson)
