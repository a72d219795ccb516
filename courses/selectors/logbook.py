"""My Glans logbook: a learner's own reflections and assignment answers, across school years,
grouped per programme and module. Only ever read for the learner themself."""

from __future__ import annotations

from django.utils import timezone

from glans_learning.organisations.models import SchoolYear

from ..models import ActivityResponse, LessonPage, ModulePage, ProgrammePage

LOGBOOK_KINDS = ("reflection", "assignment")


def _year_label(years, moment) -> str:
    day = timezone.localdate(moment)
    for year in years:
        if year.start_date <= day <= year.end_date:
            return str(year)
    return ""


def learner_logbook(*, user) -> list[dict]:
    """[{programme, modules: [{module, entries: [{lesson, label, kind, text, at, year}]}]}] in
    course order. A fixed number of queries, however many answers."""
    if not getattr(user, "is_authenticated", False):
        return []
    responses = list(
        ActivityResponse.objects.filter(user=user, kind__in=LOGBOOK_KINDS)
        .exclude(answer_text="")
        .select_related("lesson")
        .only(
            "lesson__path",
            "lesson__title",
            "lesson__activity_summary",
            "block_id",
            "kind",
            "answer_text",
            "updated_at",
            "lesson_id",
        )
    )
    if not responses:
        return []
    step = LessonPage.steplen
    paths = {r.lesson.path for r in responses}
    module_paths = {p[:-step] for p in paths}
    programme_paths = {p[: -2 * step] for p in paths}
    modules = {
        m.path: m for m in ModulePage.objects.filter(path__in=module_paths).only("path", "title")
    }
    programmes = {
        p.path: p
        for p in ProgrammePage.objects.filter(path__in=programme_paths).only("path", "title")
    }
    years = list(SchoolYear.objects.order_by("start_date"))
    grouped: dict[str, dict[str, list]] = {}
    for response in responses:
        lesson = response.lesson
        labels = {entry["id"]: entry.get("label", "") for entry in lesson.activity_summary or []}
        grouped.setdefault(lesson.path[: -2 * step], {}).setdefault(lesson.path[:-step], []).append(
            {
                "lesson": lesson,
                "path": lesson.path,
                "label": labels.get(response.block_id, ""),
                "kind": response.kind,
                "text": response.answer_text,
                "at": response.updated_at,
                "year": _year_label(years, response.updated_at),
            }
        )
    result = []
    for programme_path in sorted(grouped):
        module_rows = []
        for module_path in sorted(grouped[programme_path]):
            entries = sorted(
                grouped[programme_path][module_path], key=lambda e: (e["path"], e["at"])
            )
            module_rows.append({"module": modules.get(module_path), "entries": entries})
        result.append({"programme": programmes.get(programme_path), "modules": module_rows})
    return result
