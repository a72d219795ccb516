"""API endpoints for programmes and lessons."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema

from glans_learning.content.blocks import max_attempts
from glans_learning.core.api_errors import Conflict, refusals_as_conflict
from glans_learning.organisations.models import SchoolYear
from glans_learning.organisations.permissions import get_visible_unit_or_404
from glans_learning.organisations.utils import parse_id

from . import completion as rules
from . import selectors, services
from .models import LessonPage, LessonProgress, ProgrammeIndexPage, ProgrammePage

router = Router(tags=["leerprogramma's"])


class ExerciseOut(Schema):
    id: str
    type: str = Field(description='"xblock:<XBlock-type>", e.g. "xblock:poll"')
    title: str
    required: bool


class LessonOut(Schema):
    id: int
    title: str
    url: str | None
    estimated_minutes: int
    is_trainer_guide: bool
    exercises: list[ExerciseOut] = []


class ModuleOut(Schema):
    id: int
    title: str
    letter: str
    url: str | None
    estimated_minutes: int
    lessons: list[LessonOut]


class ProgrammeOut(Schema):
    id: int
    title: str
    audience: str
    url: str | None
    study_load_hours: float
    modules: list[ModuleOut]


class ActivityIn(Schema):
    answer: str | None = None
    choice: int | None = None


class ActivityOut(Schema):
    block_id: str
    kind: str
    is_correct: bool | None
    score: float | None
    attempts: int
    attempts_left: int | None = None
    feedback: str | None = None


def _exercises(lesson) -> list[ExerciseOut]:
    """The lesson's interactive exercises, from its activity summary (no body parsing)."""
    return [
        ExerciseOut(
            id=entry["id"],
            type=f"xblock:{entry.get('xblock_type') or ''}",
            title=entry.get("label") or "",
            required=bool(entry.get("required", True)),
        )
        for entry in lesson.activity_summary or []
        if entry.get("kind") == "exercise"
    ]


@router.get(
    "/programmes", response=list[ProgrammeOut], summary=_("Leerprogramma's met modules en lessen")
)
def programmes(request):
    out = []
    for index in ProgrammeIndexPage.objects.live():
        for programme in selectors.programme_overview(index=index):
            modules = selectors.programme_outline(
                programme=programme, request=request, detailed=True
            )
            out.append(
                ProgrammeOut(
                    id=programme.pk,
                    title=programme.title,
                    audience=programme.audience,
                    url=programme.get_url(request=request),
                    study_load_hours=float(programme.study_load_hours),
                    modules=[
                        ModuleOut(
                            id=m.pk,
                            title=m.title,
                            letter=m.letter,
                            url=m.href,
                            estimated_minutes=m.estimated_minutes,
                            lessons=[
                                LessonOut(
                                    id=lesson.pk,
                                    title=lesson.title,
                                    url=lesson.href,
                                    estimated_minutes=lesson.estimated_minutes,
                                    is_trainer_guide=lesson.is_trainer_guide,
                                    exercises=_exercises(lesson),
                                )
                                for lesson in m.outline_lessons
                            ],
                        )
                        for m in modules
                    ],
                )
            )
    return out


@router.post(
    "/lessons/{lesson_id}/activities/{block_id}",
    response={200: ActivityOut},
    summary=_("Een antwoord op een activiteit opslaan"),
)
def submit_activity(request, lesson_id: str, block_id: str, payload: ActivityIn):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    with refusals_as_conflict():
        response = services.activity_submit(
            user=request.user,
            lesson=lesson,
            block_id=block_id,
            answer=payload.answer,
            choice=payload.choice,
        )
    feedback = attempts_left = None
    if response.kind == "knowledge_check":
        block = lesson.get_activity(block_id)
        attempts_left = max(max_attempts(block.value) - response.attempts, 0)
        if response.is_correct:
            attempts_left = 0
        # Feedback per answer only once the attempts are over (the block's policy).
        if services.knowledge_check_finished(block_value=block.value, response=response):
            feedback = block.value["options"][response.choice]["feedback"]
    return ActivityOut(
        block_id=block_id,
        kind=response.kind,
        is_correct=response.is_correct,
        score=float(response.score) if response.score is not None else None,
        attempts=response.attempts,
        attempts_left=attempts_left,
        feedback=feedback,
    )


# --- progress ----------------------------------------------------------------------------


class LessonProgressOut(Schema):
    id: int
    title: str
    status: str
    percent: int
    open: list[str]
    score: float | None
    visits: int
    time_spent_seconds: int


class ModuleProgressOut(Schema):
    id: int
    title: str
    letter: str
    status: str
    percent: int
    open: list[str]
    new_material: list[str]
    lessons: list[LessonProgressOut]


class ProgrammeProgressOut(Schema):
    id: int
    title: str
    school_year: str | None
    status: str
    percent: int
    open: list[str]
    sessions_attended: int
    sessions_required: int
    next_lesson_url: str | None
    modules: list[ModuleProgressOut]


class LessonStatusOut(Schema):
    lesson_id: int
    status: str
    open: list[str]


class EnrollmentOut(Schema):
    programme_id: int
    school_year: str
    status: str


def _programme_out(request, state) -> ProgrammeProgressOut:
    return ProgrammeProgressOut(
        id=state.programme.pk,
        title=state.programme.title,
        school_year=str(state.enrollment.school_year) if state.enrollment else None,
        status=state.status,
        percent=state.percent,
        open=state.open,
        sessions_attended=state.sessions_attended,
        sessions_required=state.sessions_required,
        next_lesson_url=state.next_lesson.href if state.next_lesson else None,
        modules=[
            ModuleProgressOut(
                id=m.module.pk,
                title=m.module.title,
                letter=m.module.letter,
                status=m.status,
                percent=m.percent,
                open=m.open,
                new_material=m.new_material,
                lessons=[
                    LessonProgressOut(
                        id=s.lesson.pk,
                        title=s.lesson.title,
                        status=s.status,
                        percent=s.percent,
                        open=s.open,
                        score=s.score,
                        visits=s.visits,
                        time_spent_seconds=s.time_spent_seconds,
                    )
                    for s in m.lessons
                ],
            )
            for m in state.modules
        ],
    )


@router.get("/me/progress", response=list[ProgrammeProgressOut], summary=_("Mijn voortgang"))
def my_progress(request):
    dashboard = selectors.learner_dashboard(user=request.user, detailed=True)
    return [_programme_out(request, state) for state in dashboard["states"]]


def _lesson_status(user, lesson) -> LessonStatusOut:
    row = LessonProgress.objects.filter(user=user, lesson=lesson).first()
    responses = {r.block_id: r for r in lesson.responses.filter(user=user)}
    state = rules.evaluate_lesson(lesson, row, responses)
    return LessonStatusOut(lesson_id=lesson.pk, status=state.status, open=state.open)


@router.post("/lessons/{lesson_id}/open", response=LessonStatusOut, summary=_("Een les openen"))
def open_lesson(request, lesson_id: str):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    if services.lesson_open(user=request.user, lesson=lesson) is None:
        msg = _("Schrijf je eerst in voor dit programma.")
        raise Conflict([{"loc": [], "msg": msg, "type": "not_enrolled"}], msg)
    return _lesson_status(request.user, lesson)


@router.post(
    "/lessons/{lesson_id}/complete", response=LessonStatusOut, summary=_("Een les afronden")
)
def complete_lesson(request, lesson_id: str):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=parse_id(lesson_id))
    with refusals_as_conflict():
        services.lesson_mark_done(user=request.user, lesson=lesson)
    return _lesson_status(request.user, lesson)


@router.post("/programmes/{programme_id}/enrol", response=EnrollmentOut, summary=_("Inschrijven"))
def enrol(request, programme_id: str):
    programme = get_object_or_404(ProgrammePage.objects.live(), pk=parse_id(programme_id))
    enrollment = services.enrol(user=request.user, programme=programme, by=request.user)
    return EnrollmentOut(
        programme_id=programme.pk, school_year=str(enrollment.school_year), status=enrollment.status
    )


class TeamCellOut(Schema):
    module_id: int
    status: str
    done: int
    total: int


class TeamRowOut(Schema):
    user_id: int
    name: str
    school_year: str
    percent: int
    status: str
    open: list[str]
    stalled: bool
    modules: list[TeamCellOut]
    attendance: list[str | None]


class TeamProgressOut(Schema):
    programme_id: int
    sessions: list[str]
    rows: list[TeamRowOut]


@router.get(
    "/organisations/{unit_id}/progress",
    response=TeamProgressOut,
    summary=_("Voortgang van het team"),
)
def team_progress(
    request, unit_id: str, programme: int, school_year: int | None = None, role: str = ""
):
    unit = get_visible_unit_or_404(
        request.user, parse_id(unit_id), perm="glans_courses.view_team_progress"
    )
    programme_page = get_object_or_404(ProgrammePage.objects.live(), pk=parse_id(programme))
    year = get_object_or_404(SchoolYear, pk=parse_id(school_year)) if school_year else None
    matrix = selectors.team_progress(
        unit=unit, programme=programme_page, school_year=year, role=role or None
    )
    return TeamProgressOut(
        programme_id=programme_page.pk,
        sessions=[f"{s.title} ({s.starts_at:%Y-%m-%d})" for s in matrix["sessions"]],
        rows=[
            TeamRowOut(
                user_id=row["user"].pk,
                name=row["user"].get_full_name() or row["user"].username,
                school_year=str(row["enrollment"].school_year),
                percent=row["percent"],
                status=row["status"],
                open=[str(item) for item in row["open"]],
                stalled=row["stalled"],
                modules=[
                    TeamCellOut(
                        module_id=c["module"].pk,
                        status=c["status"],
                        done=c["done"],
                        total=c["total"],
                    )
                    for c in row["cells"]
                ],
                attendance=[r.attendance if r else None for r in row["sessions"]],
            )
            for row in matrix["rows"]
        ],
    )
