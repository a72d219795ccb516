"""Shared helpers for the progress tests (test_progress_*.py). Plain functions, no fixtures,
so that every test module states its own fixtures. The few tests here check the helpers and
the fixture material they rely on."""

import datetime
import shutil
from pathlib import Path

from django.utils import timezone

from tests.conftest import FIXTURE_MATERIAL
from tests.factories import SchoolYearFactory


def current_year(label="cur"):
    """A school year that spans today, so that enrolment has a current year."""
    today = timezone.localdate()
    return SchoolYearFactory(
        label=label,
        start_date=today - datetime.timedelta(days=30),
        end_date=today + datetime.timedelta(days=300),
    )


def previous_year(label="vorig"):
    today = timezone.localdate()
    return SchoolYearFactory(
        label=label,
        start_date=today - datetime.timedelta(days=400),
        end_date=today - datetime.timedelta(days=31),
    )


def proef():
    from glans_learning.courses.models import ProgrammePage

    return ProgrammePage.objects.get(slug="proef")


def module_g():
    from glans_learning.courses.models import ModulePage

    return ModulePage.objects.get(slug="g")


def lesson(slug):
    from glans_learning.courses.models import LessonPage

    return LessonPage.objects.get(slug=slug)


def copy_material(tmp_path) -> Path:
    """A writable copy of the fixture material."""
    target = Path(tmp_path) / "material"
    shutil.copytree(FIXTURE_MATERIAL, target)
    return target


def load_dir(path):
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load

    return load(load_material(path))


def write_lesson(material_dir, filename, *, slug, title, body="Tekst.", module_dir="proef/01-g"):
    (Path(material_dir) / module_dir / filename).write_text(
        f"---\ntitle: {title}\nslug: {slug}\nestimated_minutes: 5\nbronnen: [Testbron]\n---\n{body}\n",
        encoding="utf-8",
    )


def set_page(page, **fields):
    """Change fields of a page directly (as an editor would via a published revision)."""
    for name, value in fields.items():
        setattr(page, name, value)
    page.save()
    return type(page).objects.get(pk=page.pk)


def activity_ids(lesson_page) -> dict[str, list[str]]:
    """Block ids of the lesson's activities per kind."""
    ids: dict[str, list[str]] = {}
    for item in lesson_page.activity_summary:
        ids.setdefault(item["kind"], []).append(item["id"])
    return ids


def answer(user, lesson_page, kind, index=0, *, correct=True):
    """Answer one activity through the service."""
    from glans_learning.courses import services

    block_id = activity_ids(lesson_page)[kind][index]
    if kind == "knowledge_check":
        block = lesson_page.get_activity(block_id)
        options = list(block.value["options"])
        choice = next(i for i, o in enumerate(options) if bool(o["is_correct"]) is correct)
        return services.activity_submit(
            user=user, lesson=lesson_page, block_id=block_id, choice=choice
        )
    return services.activity_submit(
        user=user,
        lesson=lesson_page,
        block_id=block_id,
        answer="Een antwoord van voldoende lengte.",
    )


def set_block_values(lesson_page, kind, **values):
    """Set fields of every `kind` block of a lesson (e.g. max_attempts) and save the page."""
    from glans_learning.courses.models import LessonPage

    page = LessonPage.objects.get(pk=lesson_page.pk)
    for child in page.body:
        if child.block_type == kind:
            for key, value in values.items():
                child.value[key] = value
    page.save()
    return LessonPage.objects.get(pk=page.pk)


def set_max_attempts(lesson_page, attempts):
    return set_block_values(lesson_page, "knowledge_check", max_attempts=attempts)


def answer_all(user, lesson_page, *, correct=True):
    for kind, ids in activity_ids(lesson_page).items():
        for index in range(len(ids)):
            answer(user, lesson_page, kind, index, correct=correct)


def complete_module_g(user):
    """Complete both lessons of the fixture module as `user` (who must be enrolled)."""
    from glans_learning.courses import services

    first, second = lesson("eerste-les"), lesson("tweede-les")
    services.lesson_open(user=user, lesson=first)
    answer_all(user, first)
    services.lesson_open(user=user, lesson=second)
    answer_all(user, second)


def make_session(
    programme,
    *,
    title="Bijeenkomst",
    starts_in=datetime.timedelta(days=-7),
    unit=None,
    is_official=True,
    kind=None,
):
    from glans_learning.courses.models import Session

    starts_at = timezone.now() + starts_in
    return Session.objects.create(
        programme=programme,
        unit=unit,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        location="Utrecht",
        is_official=is_official,
        **({"kind": kind} if kind else {}),
    )


def register(user, session):
    from glans_learning.courses.models import SessionRegistration

    return SessionRegistration.objects.create(session=session, user=user)


# --- checks of the helpers and the fixture material -------------------------------------


def test_fixture_lesson_has_three_required_activities(loaded_fixture):
    summary = loaded_fixture["lesson"].activity_summary
    assert [a["kind"] for a in summary] == ["reflection", "assignment", "knowledge_check"]
    assert all(a["required"] for a in summary)
    assert [a["label"] for a in summary] == ["Wat neem je mee?", "Doe iets", "Welke is juist?"]
    assert loaded_fixture["lesson"].completion_rule == "activities"


def test_fixture_programme_allows_self_enrolment(loaded_fixture):
    programme = proef()
    assert programme.audience == "workshop"
    assert programme.self_enrolment is True
    assert programme.required_session_count == 0


def test_current_year_is_current(db):
    from glans_learning.organisations.models import SchoolYear

    year = current_year()
    previous_year()
    assert SchoolYear.current() == year
