"""The course models, by concept; import them from here."""

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
from .reminders import LearnerPreference, ReminderLog, ReminderSettings
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
    "Letter",
    "MaterialRecord",
    "ModuleCompletion",
    "ModulePage",
    "ProgrammeAccreditation",
    "ProgrammeCompletion",
    "ProgrammeIndexPage",
    "ProgrammePage",
    "Register",
    "ReminderLog",
    "ReminderSettings",
    "Session",
    "SessionRegistration",
    "TrainerGuidePdf",
    "letter_badge",
    "validate_single_line",
]
