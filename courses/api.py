"""API endpoints for programmes and lessons."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema

from organisations.utils import parse_id

from . import selectors, services
from .models import LessonPage, ProgrammeIndexPage

router = Router(tags=["leerprogramma's"])


class LessonOut(Schema):
    id: int
    title: str
    url: str
    estimated_minutes: int
    is_trainer_guide: bool


class ModuleOut(Schema):
    id: int
    title: str
    letter: str
    url: str
    estimated_minutes: int
    lessons: list[LessonOut]


class ProgrammeOut(Schema):
    id: int
    title: str
    audience: str
    url: str
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
    feedback: str | None = None


@router.get(
    "/programmes", response=list[ProgrammeOut], summary=_("Leerprogramma's met modules en lessen")
)
def programmes(request):
    out = []
    for index in ProgrammeIndexPage.objects.live():
        for programme in selectors.programme_overview(index=index):
            modules = selectors.programme_outline(programme=programme)
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
                            url=m.get_url(request=request),
                            estimated_minutes=m.estimated_minutes,
                            lessons=[
                                LessonOut(
                                    id=lesson.pk,
                                    title=lesson.title,
                                    url=lesson.get_url(request=request),
                                    estimated_minutes=lesson.estimated_minutes,
                                    is_trainer_guide=lesson.is_trainer_guide,
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
    response = services.activity_submit(
        user=request.user,
        lesson=lesson,
        block_id=block_id,
        answer=payload.answer,
        choice=payload.choice,
    )
    feedback = None
    if response.choice is not None:
        block = lesson.get_activity(block_id)
        feedback = block.value["options"][response.choice]["feedback"]
    return ActivityOut(
        block_id=block_id,
        kind=response.kind,
        is_correct=response.is_correct,
        score=float(response.score) if response.score is not None else None,
        attempts=response.attempts,
        feedback=feedback,
    )
