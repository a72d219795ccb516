"""Writes for learning (services): answering activities, registering for sessions, recording
attendance. Views, the API, admin and tasks all call these."""

from __future__ import annotations

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.content.blocks import max_attempts, min_answer_length
from glans_learning.core.tasks import enqueue
from glans_learning.organisations import permissions

from .. import completion, selectors, signals
from ..models import (
    ActivityAttempt,
    ActivityResponse,
    Attendance,
    Enrollment,
    LearnerPreference,
    LessonPage,
    LessonProgress,
    LessonStatus,
    ProgrammePage,
    Session,
    SessionRegistration,
)
from ..tasks import send_session_confirmation

# The services by concept (courses/services/*.py), re-exported here so `services.<name>` keeps
# working everywhere.
from .enrolment import (  # noqa: F401
    _current_school_year,
    enrol,
    enrol_after_join,
    enrol_check,
    enrol_members,
    enrol_placed,
    enrolment_delete,
    enrolment_reinstate,
    enrolment_status_set,
    enrolment_withdraw,
    on_membership_ended,
)
from .sessions import registration_delete, session_delete  # noqa: F401

MAX_ANSWER_LENGTH = 10_000


def _clean_answer(kind: str, block_value, answer: str | None, choice) -> dict:
    if kind in ("reflection", "assignment"):
        text = (answer or "").strip()
        if not text:
            raise ValidationError({"answer": _("Vul een antwoord in.")})
        if len(text) > MAX_ANSWER_LENGTH:
            raise ValidationError({"answer": _("Je antwoord is te lang (maximaal 10.000 tekens).")})
        minimum = min_answer_length(block_value)
        if len(text) < minimum:
            raise ValidationError(
                {
                    "answer": _(
                        "Je antwoord is te kort: schrijf minstens %(n)s tekens (nu %(have)s)."
                    )
                    % {"n": minimum, "have": len(text)}
                }
            )
        return {"answer_text": text, "choice": None, "is_correct": None, "score": None}
    if kind == "knowledge_check":
        try:
            index = int(choice)
        except (TypeError, ValueError, OverflowError):
            raise ValidationError({"choice": _("Kies een antwoord.")}) from None
        options = list(block_value["options"])
        if not 0 <= index < len(options):
            raise ValidationError({"choice": _("Dit antwoord bestaat niet.")})
        correct = bool(options[index]["is_correct"])
        return {
            "answer_text": "",
            "choice": index,
            "is_correct": correct,
            "score": 100 if correct else 0,
        }
    raise ValidationError(_("Dit onderdeel heeft geen antwoord."))


def knowledge_check_finished(*, block_value, response) -> bool:
    """Whether a learner's attempts at a knowledge check are over: answered correctly, or the
    block's maximum number of attempts used. Only then is feedback shown."""
    if response is None:
        return False
    return bool(response.is_correct) or response.attempts >= max_attempts(block_value)


def activity_submit(
    *, user, lesson: LessonPage, block_id: str, answer: str | None = None, choice=None
):
    """Save the learner's answer to one activity and record the attempt. Only learners enrolled
    in the lesson's programme may answer. Reflections and assignments: a new answer replaces the
    old one. Knowledge checks follow the block's attempts policy: the answer counts when it is
    correct or the attempts are used up; after that nothing changes."""
    if not getattr(user, "is_authenticated", False):
        raise PermissionDenied
    block = lesson.get_activity(block_id)
    if block is None:
        raise ValidationError(_("Deze activiteit bestaat niet in deze les."))
    fields = _clean_answer(block.block_type, block.value, answer, choice)
    _programme, enrollment = _enrollment_for_lesson(user, lesson)
    if enrollment is None:
        raise ValidationError(_("Schrijf je eerst in voor dit programma."))
    check = block.block_type == "knowledge_check"
    for attempt in range(2):
        try:
            with transaction.atomic():
                response, created = ActivityResponse.objects.select_for_update().get_or_create(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    defaults={"kind": block.block_type, "attempts": 1, **fields},
                )
                if not created:
                    if check and knowledge_check_finished(
                        block_value=block.value, response=response
                    ):
                        raise ValidationError(
                            {"choice": _("Je hebt deze kennischeck al gemaakt; je antwoord telt.")}
                        )
                    for name, value in fields.items():
                        setattr(response, name, value)
                    response.kind = block.block_type
                    response.attempts = F("attempts") + 1
                    response.save()
                    response.refresh_from_db()
                ActivityAttempt.objects.create(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    number=response.attempts,
                    answer_text=fields["answer_text"],
                    choice=fields["choice"],
                    is_correct=fields["is_correct"],
                )
            break
        except IntegrityError:
            if attempt:
                raise
    _after_activity(user=user, lesson=lesson)
    return response


def _after_activity(*, user, lesson) -> None:
    """Hook for progress tracking (see courses.progress)."""
    signals.activity_answered.send(sender=LessonPage, user=user, lesson=lesson)


def session_register(*, user, session: Session) -> SessionRegistration:
    """Register a learner for a session that is for them (idempotent); a past one is
    refused."""
    if not selectors.sessions_open_to(user).filter(pk=session.pk).exists():
        raise PermissionDenied
    return _register(session=session, user=user, past_allowed=False)


def _register(
    *, session: Session, user, past_allowed: bool, confirm: bool = True
) -> SessionRegistration:
    """The registration itself, under a lock on the session: idempotent, within capacity,
    with its confirmation mail enqueued once."""
    with transaction.atomic():
        locked = Session.objects.select_for_update().get(pk=session.pk)
        existing = SessionRegistration.objects.filter(session=locked, user=user).first()
        if existing is not None:
            return existing
        if not past_allowed and locked.ends_at < timezone.now():
            raise ValidationError(_("Deze bijeenkomst is al voorbij."))
        if locked.capacity is not None and locked.registrations.count() >= locked.capacity:
            raise ValidationError(_("Deze bijeenkomst is vol."))
        registration = SessionRegistration.objects.create(
            session=locked,
            user=user,
            # Registered while attendance is recorded in the room: no confirmation mail.
            confirmation_sent_at=None if confirm else timezone.now(),
        )
        if confirm:
            enqueue(send_session_confirmation, registration.pk)
        return registration


@transaction.atomic
def registration_manage(
    *,
    by,
    session: Session,
    user,
    attendance: str = Attendance.UNKNOWN,
    note: str = "",
    confirm: bool = True,
) -> SessionRegistration:
    """A session's manager registers someone (also afterwards, for who came unregistered)
    and/or records their attendance: the admin's write, with the same rules as the front end
    (capacity, one confirmation mail, attendance_check)."""
    if not selectors.sessions_managed_by(by).filter(pk=session.pk).exists():
        raise PermissionDenied
    registration = _register(session=session, user=user, past_allowed=True, confirm=confirm)
    if attendance != registration.attendance or note != registration.attendance_note:
        registration = attendance_record(
            by=by, session=session, user_id=user.pk, attendance=attendance, note=note
        )
    return registration


def session_unregister(*, user, session: Session) -> bool:
    deleted, _details = SessionRegistration.objects.filter(
        session=session, user=user, attendance=Attendance.UNKNOWN
    ).delete()
    return bool(deleted)


def attendance_check(*, by, session: Session, user_id: int, attendance: str) -> None:
    """The rules for recording attendance (front end and admin): only managers of the session;
    nobody records their own attendance; only from the session's start until the programme's
    attendance window after its end."""
    if not selectors.sessions_managed_by(by).filter(pk=session.pk).exists():
        raise PermissionDenied
    if attendance not in Attendance.values:
        raise ValidationError({"attendance": _("Kies een geldige aanwezigheid.")})
    if by is not None and by.pk == user_id:
        raise ValidationError({"attendance": _("Je kunt je eigen aanwezigheid niet registreren.")})
    if attendance == Attendance.UNKNOWN:
        return
    now = timezone.now()
    if now < session.starts_at:
        raise ValidationError(
            {
                "attendance": _(
                    "Aanwezigheid registreren kan pas vanaf het begin van de bijeenkomst."
                )
            }
        )
    days = session.programme.attendance_window_days
    if now > session.ends_at + timedelta(days=days):
        raise ValidationError(
            {
                "attendance": _(
                    "Aanwezigheid registreren kan tot %(days)s dagen na de bijeenkomst; die "
                    "termijn is voorbij."
                )
                % {"days": days}
            }
        )


def attendance_record(
    *, by, session: Session, user_id: int, attendance: str, note: str = ""
) -> SessionRegistration:
    """Record attendance for one participant. Only the session's trainers, team leads of its
    unit and academy trainers may do this, within the rules of attendance_check."""
    attendance_check(by=by, session=session, user_id=user_id, attendance=attendance)
    registration = SessionRegistration.objects.filter(session=session, user_id=user_id).first()
    if registration is None:
        raise ValidationError(_("Deze persoon is niet aangemeld voor deze bijeenkomst."))
    registration.attendance = attendance
    registration.attendance_note = note[:250]
    registration.recorded_by = by
    registration.recorded_at = timezone.now()
    registration.save(update_fields=["attendance", "attendance_note", "recorded_by", "recorded_at"])
    on_attendance_recorded(registration=registration)
    return registration


def session_is_official(*, session: Session, planner) -> bool:
    """Whether a session counts toward its programme's required sessions: planned by an academy
    trainer or platform admin, or a team session planned by a team lead of its school where the
    programme lets team sessions count."""
    if planner is None:
        return False
    if permissions.is_admin_or_academy_trainer(planner):
        return True
    return bool(
        session.unit_id is not None
        and session.kind == Session.Kind.TEAM
        and session.programme.team_sessions_count
        and permissions.leads_unit_team(planner, session.unit_id)
    )


def session_plan(*, by, session: Session) -> Session:
    """Save a session planned (or changed) by `by`; records the planner of a new session and
    whether it is one of the programme's official sessions."""
    session.full_clean()
    if session.pk is None or session.planned_by_id is None:
        session.planned_by = by
    planner = session.planned_by
    session.is_official = session_is_official(session=session, planner=planner)
    session.save()
    return session


# --- enrolment ---------------------------------------------------------------------------


STEP_CAP_SECONDS = 30 * 60
# Reloads within this window are the same visit: nothing is written (and no commit is paid).
VISIT_WINDOW_SECONDS = 120


def _enrollment_for_lesson(user, lesson):
    programme = ProgrammePage.objects.filter(path=lesson.path[: -2 * LessonPage.steplen]).first()
    if programme is None:
        return None, None
    enrollment = (
        Enrollment.objects.active()
        .filter(user=user, programme=programme)
        .order_by("-created_at")
        .first()
    )
    return programme, enrollment


def exercise_refusal(user, lesson) -> str | None:
    """Why `user` may not work on the exercises of `lesson` (not enrolled), or None."""
    programme, enrollment = _enrollment_for_lesson(user, lesson)
    if programme is None or enrollment is not None:
        return None
    return _("Schrijf je eerst in voor dit programma.")


_UNREAD = object()


def lesson_view(*, user, lesson, programme_id, responses, current=_UNREAD):
    """What viewing a lesson page does: returns (progress row or None, enrolled?). A reload
    within the visit window only reads the learner's progress row (or takes the one the page
    read, `current`); otherwise the enrolment is checked and the visit recorded
    (lesson_open)."""
    if current is _UNREAD:
        current = selectors.lesson_progress_row(user=user, lesson=lesson)
    if (
        current is not None
        and (timezone.now() - current.last_visit_at).total_seconds() < VISIT_WINDOW_SECONDS
    ):
        return _settle(user, lesson, current, responses), True
    enrollment = selectors.active_enrollment_id(user=user, programme=programme_id)
    if enrollment is None:
        return None, False
    return lesson_open(
        user=user, lesson=lesson, enrollment=enrollment, responses=responses, current=current
    ), True


def _settle(user, lesson, current, responses):
    """Complete the lesson if its rule is met now; return the up-to-date row."""
    if current.status != LessonStatus.COMPLETED and _evaluate_and_complete(
        user=user, lesson=lesson, responses=responses, row=current
    ):
        return LessonProgress.objects.get(user=user, lesson=lesson)
    return current


def lesson_open(*, user, lesson, programme=None, enrollment=None, responses=None, current=_UNREAD):
    """Record a visit to a lesson by an enrolled learner (first/last visit, an estimate of time
    spent) and complete it when its rule is met. Returns the LessonProgress, or None when the
    learner is not enrolled. Safe under concurrent requests."""
    if not getattr(user, "is_authenticated", False):
        return None
    if enrollment is None:
        programme, enrollment = _enrollment_for_lesson(user, lesson)
    if enrollment is None:
        return None
    now = timezone.now()
    if current is _UNREAD:
        current = selectors.lesson_progress_row(user=user, lesson=lesson)
    if current is not None and (now - current.last_visit_at).total_seconds() < VISIT_WINDOW_SECONDS:
        return _settle(user, lesson, current, responses)
    with transaction.atomic():
        progress = (
            LessonProgress.objects.select_for_update().filter(user=user, lesson=lesson).first()
        )
        if progress is None:
            try:
                with transaction.atomic():
                    progress = LessonProgress.objects.create(
                        user=user, lesson=lesson, first_visit_at=now, last_visit_at=now
                    )
            except IntegrityError:
                # A concurrent request created it a moment ago: the same visit.
                progress = LessonProgress.objects.select_for_update().get(user=user, lesson=lesson)
            visited = True
        elif (now - progress.last_visit_at).total_seconds() >= VISIT_WINDOW_SECONDS:
            _add_visit(progress, now)
            visited = True
        else:
            visited = False
        enrollment_id = getattr(enrollment, "pk", enrollment)
        Enrollment.objects.filter(pk=enrollment_id).update(last_activity_at=now)
        if visited:
            signals.lesson_visited.send(
                sender=LessonPage,
                user=user,
                lesson=lesson,
                enrollment_id=enrollment_id,
                visited_at=now,
            )
    if progress.status != LessonStatus.COMPLETED and _evaluate_and_complete(
        user=user, lesson=lesson, responses=responses, row=progress
    ):
        progress.refresh_from_db()
    return progress


def _add_visit(progress, now):
    gap = (now - progress.last_visit_at).total_seconds()
    spent = int(min(max(gap, 0), STEP_CAP_SECONDS))
    type(progress).objects.filter(pk=progress.pk).update(
        visits=F("visits") + 1,
        last_visit_at=now,
        time_spent_seconds=F("time_spent_seconds") + spent,
    )
    progress.visits += 1
    progress.last_visit_at = now
    progress.time_spent_seconds += spent


def _evaluate_and_complete(*, user, lesson, responses=None, manual=False, row=None) -> bool:
    """Complete the lesson if its rule is met, reading the learner's answers if not given (see
    completion.evaluate_and_complete)."""
    if responses is None:
        responses = selectors.lesson_responses(user=user, lesson=lesson)
    return completion.evaluate_and_complete(
        user=user, lesson=lesson, responses=responses, manual=manual, row=row
    )


def lesson_mark_done(*, user, lesson):
    """The learner says a lesson is done. Allowed when the rule is 'manual' or already met;
    otherwise a ValidationError lists what is still open."""
    if lesson_open(user=user, lesson=lesson) is None:
        raise ValidationError(_("Schrijf je eerst in voor dit programma."))
    if _evaluate_and_complete(user=user, lesson=lesson, manual=True):
        return LessonProgress.objects.get(user=user, lesson=lesson)
    row = LessonProgress.objects.get(user=user, lesson=lesson)
    open_, *_rest = completion.lesson_requirements(
        lesson, row, selectors.lesson_responses(user=user, lesson=lesson)
    )
    raise ValidationError(open_ or [_("Deze les kan nog niet worden afgerond.")])


def on_activity_answered(sender, user, lesson, **kwargs):
    lesson_open(user=user, lesson=lesson)


def exercise_result_record(
    *, user, lesson: LessonPage, block_id: str, score: float | None, only_if_higher: bool = False
):
    """An exercise (XBlock) on a lesson reported a grade (score 0..1) or a completion (score
    None) for a learner: record it as the learner's result for that activity, then progress.
    Only the runtime calls this, from the block's own grading logic; `only_if_higher` keeps a
    better earlier score."""
    block = lesson.get_activity(block_id)
    if block is None or block.block_type != "exercise":
        return None
    percent = None if score is None else round(min(max(float(score), 0.0), 1.0) * 100, 2)
    fields = {"score": percent, "is_correct": None if percent is None else percent >= 100}
    for attempt in range(2):
        try:
            with transaction.atomic():
                response, created = ActivityResponse.objects.select_for_update().get_or_create(
                    user=user,
                    lesson=lesson,
                    block_id=block_id,
                    defaults={"kind": "exercise", "attempts": 1, "answer_text": "", **fields},
                )
                if not created:
                    keep = percent is None or (
                        only_if_higher and response.score is not None and response.score >= percent
                    )
                    if not keep:
                        response.score = percent
                        response.is_correct = fields["is_correct"]
                    response.kind = "exercise"
                    response.attempts = F("attempts") + 1
                    response.save()
                    response.refresh_from_db()
            break
        except IntegrityError:
            if attempt:
                raise
    _after_activity(user=user, lesson=lesson)
    return response


def on_exercise_result(
    sender, user, page_id, block_id, score=None, completed=False, only_if_higher=False, **kwargs
):
    if not completed:
        return
    lesson = LessonPage.objects.live().filter(pk=page_id).first()
    if lesson is not None:
        exercise_result_record(
            user=user, lesson=lesson, block_id=block_id, score=score, only_if_higher=only_if_higher
        )


def on_attendance_recorded(*, registration):
    if registration.attended:
        completion.check_programme(
            user=registration.user, programme_id=registration.session.programme_id
        )


def reminders_set(*, user, enabled: bool):
    LearnerPreference.objects.update_or_create(user=user, defaults={"reminders_enabled": enabled})
