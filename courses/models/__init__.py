"""The course models, by concept; import them from here."""

from .assessments import PracticalAssessment
from .guides import GuidePdfKind, TrainerGuidePdf
from .live import CalibrationAnswer, LiveCheckIn, LiveCode
from .pages import (
    Audience,
    LessonPage,
    Letter,
    MaterialRecord,
    ModulePage,
    ProgrammeAccreditation,
    ProgrammeIndexPage,
    ProgrammePage,
    letter_badge,
)
from .progress import (
    ActivityAttempt,
    ActivityResponse,
    Enrollment,
    LessonProgress,
    LessonStatus,
    ModuleCompletion,
    ProgrammeCompletion,
)
from .registers import Register
from .reminders import LearnerPreference, ReminderSettings
from .sessions import ATTENDED, Attendance, Session, SessionRegistration, validate_single_line

__all__ = [
    "CalibrationAnswer",
    "LiveCheckIn",
    "LiveCode",
    "ATTENDED",
    "ActivityAttempt",
    "ActivityResponse",
    "Attendance",
    "Audience",
    "Enrollment",
    "GuidePdfKind",
    "LearnerPreference",
    "LessonPage",
    "LessonProgress",
    "LessonStatus",
    "PracticalAssessment",
    "Letter",
    "MaterialRecord",
    "ModuleCompletion",
    "ModulePage",
    "ProgrammeAccreditation",
    "ProgrammeCompletion",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "Register",
    "ReminderSettings",
    "Session",
    "SessionRegistration",
    "TrainerGuidePdf",
    "letter_badge",
    "validate_single_line",
]
