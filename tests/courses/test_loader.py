"""The course-material loader: idempotent, leaves editors' changes alone, all or nothing."""

import shutil

import pytest
from django.core.management import CommandError, call_command
from wagtail.models import Page, PageViewRestriction

from glans_learning.content.material import load_material
from glans_learning.courses.material_loader import load
from glans_learning.courses.models import LessonPage, ModulePage, ProgrammeIndexPage, ProgrammePage
from tests.conftest import FIXTURE_MATERIAL

pytestmark = pytest.mark.django_db


def test_first_load_builds_the_tree_and_documents(fixture_material):
    report = load(fixture_material)
    assert len(report.created) == 5  # the worksheet, the programme, its module and two lessons
    assert ProgrammeIndexPage.objects.count() == 1
    programme = ProgrammePage.objects.get(slug="proef")
    assert ModulePage.objects.child_of(programme).count() == 1
    assert LessonPage.objects.live().count() == 2
    assert PageViewRestriction.objects.filter(page=programme, restriction_type="login").exists()
    lesson = LessonPage.objects.get(slug="eerste-les")
    [worksheet] = [b for b in lesson.body if b.block_type == "worksheet"]
    assert worksheet.value["document"].title == "Lijst"
    assert [a["kind"] for a in lesson.activity_summary] == [
        "reflection",
        "assignment",
        "knowledge_check",
    ]


def test_second_load_changes_nothing(fixture_material):
    load(fixture_material)
    pages = Page.objects.count()
    report = load(load_material(FIXTURE_MATERIAL))
    assert not report.created and not report.updated
    assert Page.objects.count() == pages


def test_changed_file_updates_the_page(tmp_path, fixture_material):
    load(fixture_material)
    copy = tmp_path / "m"
    shutil.copytree(FIXTURE_MATERIAL, copy)
    path = copy / "proef/01-g/02-tweede-les.md"
    path.write_text(path.read_text().replace("title: Tweede les", "title: Tweede les (herzien)"))
    report = load(load_material(copy))
    assert report.updated == ["proef/01-g/02-tweede-les.md"]
    assert LessonPage.objects.get(slug="tweede-les").title == "Tweede les (herzien)"


def test_editor_changes_are_left_alone_unless_forced(tmp_path, fixture_material):
    load(fixture_material)
    lesson = LessonPage.objects.get(slug="tweede-les")
    lesson.title = "Aangepast door redacteur"
    lesson.save_revision().publish()
    copy = tmp_path / "m"
    shutil.copytree(FIXTURE_MATERIAL, copy)
    path = copy / "proef/01-g/02-tweede-les.md"
    path.write_text(
        path.read_text().replace("title: Tweede les", "title: Nieuwe titel uit bestand")
    )
    report = load(load_material(copy))
    assert "proef/01-g/02-tweede-les.md" in report.left_alone
    assert LessonPage.objects.get(slug="tweede-les").title == "Aangepast door redacteur"
    load(load_material(copy), force=True)
    assert LessonPage.objects.get(slug="tweede-les").title == "Nieuwe titel uit bestand"


def test_invalid_material_writes_nothing(tmp_path):
    copy = tmp_path / "m"
    shutil.copytree(FIXTURE_MATERIAL, copy)
    path = copy / "proef/01-g/02-tweede-les.md"
    path.write_text(path.read_text() + "\n::: kennischeck\nvraag: x\n:::\n")
    pages = Page.objects.count()
    with pytest.raises(CommandError, match="nothing was loaded"):
        call_command("load_course_material", path=str(copy))
    assert Page.objects.count() == pages
