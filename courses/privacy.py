"""This app's part of the AVG rights (see organisations/privacy.py): enrolments, answers,
progress, completions, sessions and reminders of a person."""

from django.db.models import Q
from wagtail import hooks

from glans_learning.organisations.privacy import (
    ERASE_HOOK,
    EXPORT_HOOK,
    REGISTER_HOOK,
    Entry,
    not_personal,
    rows,
)

from .models import (
    ActivityAttempt,
    ActivityResponse,
    Enrollment,
    LearnerPreference,
    LessonProgress,
    LiveCheckIn,
    ModuleCompletion,
    PracticalAssessment,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)

LEARNING = "agreement with the school board (art. 6(1)(b)/(e))"


@hooks.register(EXPORT_HOOK)
def export(user):
    return {
        "glans_courses.Enrollment": rows(
            Enrollment.objects.filter(user=user),
            "programme__title",
            "school_year__label",
            "unit__name",
            "status",
            "created_at",
            "last_activity_at",
        ),
        "glans_courses.LessonProgress": rows(
            LessonProgress.objects.filter(user=user),
            "lesson__title",
            "status",
            "first_visit_at",
            "last_visit_at",
            "visits",
            "time_spent_seconds",
            "completed_at",
        ),
        "glans_courses.ActivityResponse": rows(
            ActivityResponse.objects.filter(user=user),
            "lesson__title",
            "block_id",
            "kind",
            "answer_text",
            "choice",
            "is_correct",
            "score",
            "attempts",
            "updated_at",
        ),
        "glans_courses.ActivityAttempt": rows(
            ActivityAttempt.objects.filter(user=user),
            "lesson__title",
            "block_id",
            "number",
            "answer_text",
            "choice",
            "is_correct",
            "created_at",
        ),
        "glans_courses.ModuleCompletion": rows(
            ModuleCompletion.objects.filter(user=user), "module__title", "completed_at"
        ),
        "glans_courses.ProgrammeCompletion": rows(
            ProgrammeCompletion.objects.filter(user=user), "programme__title", "completed_at"
        ),
        "glans_courses.SessionRegistration": rows(
            SessionRegistration.objects.filter(user=user),
            "session__title",
            "session__starts_at",
            "registered_at",
            "attendance",
            "attendance_note",
            "recorded_at",
        ),
        "glans_courses.LiveCheckIn": rows(
            LiveCheckIn.objects.filter(user=user),
            "session__title",
            "session__starts_at",
            "at",
            "confirmed_at",
        ),
        "glans_courses.Session": rows(
            Session.objects.filter(Q(planned_by=user) | Q(trainers=user)).distinct(),
            "title",
            "starts_at",
        ),
        "glans_courses.LearnerPreference": rows(
            LearnerPreference.objects.filter(user=user), "reminders_enabled"
        ),
        "glans_courses.PracticalAssessment": rows(
            PracticalAssessment.objects.filter(Q(user=user) | Q(trainer=user)),
            "programme__title",
            "session__title",
            "reflection",
            "status",
            "trainer_note",
            "submitted_at",
            "decided_at",
        ),
    }


@hooks.register(ERASE_HOOK)
def erase(user):
    ActivityResponse.objects.filter(user=user).update(answer_text="")
    ActivityAttempt.objects.filter(user=user).update(answer_text="")
    SessionRegistration.objects.filter(user=user).update(attendance_note="")
    PracticalAssessment.objects.filter(user=user).update(reflection="", trainer_note="")


@hooks.register(REGISTER_HOOK)
def register():
    progress = "the learner; directors and TdT participants of their school (team view)"
    return {
        "glans_courses.Enrollment": Entry(
            "enrolment in a programme per school year",
            "learning; team overviews",
            LEARNING,
            "kept pseudonymous after erasure",
            progress,
            "kept, linked to the anonymised account",
        ),
        "glans_courses.LessonProgress": Entry(
            "visits, time spent and completion per lesson",
            "progress",
            LEARNING,
            "kept pseudonymous after erasure",
            progress,
            "kept, linked to the anonymised account",
        ),
        "glans_courses.ActivityResponse": Entry(
            "answers to activities: reflections (free text), knowledge checks",
            "learning; completion rules",
            LEARNING,
            "free text cleared on erasure",
            "the learner only (free text); scores as progress",
            "free text cleared",
        ),
        "glans_courses.ActivityAttempt": Entry(
            "every attempt at an activity",
            "attempts policy of knowledge checks",
            LEARNING,
            "free text cleared on erasure",
            "the learner",
            "free text cleared",
        ),
        "glans_courses.ModuleCompletion": Entry(
            "completed modules",
            "progress; registration points",
            LEARNING,
            "kept pseudonymous after erasure",
            progress,
            "kept, linked to the anonymised account",
        ),
        "glans_courses.ProgrammeCompletion": Entry(
            "completed programmes",
            "progress; certificates",
            LEARNING,
            "kept pseudonymous after erasure",
            progress,
            "kept, linked to the anonymised account",
        ),
        "glans_courses.PracticalAssessment": Entry(
            "a TdT participant's practical assessment: the team session run, a reflection on the "
            "calibration, the academy trainer's rubric and note",
            "completing the Train-de-Trainer programme",
            LEARNING,
            "reflection and note cleared on erasure",
            "the participant; academy trainers",
            "reflection and trainer's note cleared",
        ),
        "glans_courses.SessionRegistration": Entry(
            "registration and attendance for sessions, with a note by the trainer",
            "sessions; attendance for registers",
            LEARNING,
            "note cleared on erasure",
            "the learner; the session's trainers; directors",
            "attendance note cleared",
        ),
        "glans_courses.LiveCheckIn": Entry(
            'who said "ik ben er" with a session\'s projector code, and when the trainer confirmed',
            "the trainer confirming attendance in the room; answering each calibration case once",
            LEARNING,
            "as long as the session exists",
            "the person; the session's trainers",
            "kept, linked to the anonymised account",
        ),
        "glans_courses.Session": Entry(
            "who planned or trains a session",
            "organising sessions",
            LEARNING,
            "as long as the session exists",
            "participants of the session",
            "kept, linked to the anonymised account",
        ),
        "glans_courses.LearnerPreference": Entry(
            "reminder preference",
            "sending reminders only when wanted",
            LEARNING,
            "while the account exists",
            "the learner",
            "kept",
        ),
        "glans_courses.Register": not_personal("registers (names, notes about the register)"),
    }
