"""AVG rights: the processing register lists every model with personal data (and
docs/privacy.md lists the register); a person's export covers every such model linked to
them; erasure leaves no name, e-mail or free text of theirs, keeps what aggregates and
certificates need, is logged without the name, and is refused while an open certification
dossier includes them."""

import datetime
import json
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.organisations import privacy
from glans_learning.organisations.tasks import erase_inactive_people

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The rule: a model of the plugin (or the user model) holds personal data when a field it
# declares itself links to the user model, or is a text field whose name contains one of
# these words. Such a model must be in the register (as personal, or declared not personal
# with the reason).
NAME_WORDS = ("name", "email", "label", "note", "text", "reason", "remark", "participant")


def flagged_models():
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    found = {}
    for model in apps.get_models():
        if model._meta.proxy:
            continue
        if not (model.__module__.startswith("glans_learning.") or model is user_model):
            continue
        fields = []
        for f in model._meta.get_fields(include_parents=False):
            if not getattr(f, "concrete", False):
                continue
            links = f.is_relation and f.related_model is user_model
            named = isinstance(f, models.CharField | models.TextField) and any(
                word in f.name for word in NAME_WORDS
            )
            if links or named:
                fields.append(f.name)
        if fields:
            found[model._meta.label] = fields
    return found


def test_every_model_with_personal_data_is_in_the_register():
    register = privacy.privacy_register()
    missing = {label: f for label, f in flagged_models().items() if label not in register}
    assert not missing, f"add these to the processing register (REGISTER_HOOK): {missing}"
    stale = [label for label in register if label not in {m._meta.label for m in apps.get_models()}]
    assert not stale


def test_docs_describe_every_register_entry():
    doc = (ROOT / "docs" / "privacy.md").read_text()
    in_doc = set(re.findall(r"`((?:glans_\w+|auth)\.\w+)`", doc))
    personal = {label for label, e in privacy.privacy_register().items() if e.personal}
    assert personal <= in_doc, f"missing from docs/privacy.md: {sorted(personal - in_doc)}"
    assert in_doc <= set(privacy.privacy_register()), sorted(
        in_doc - set(privacy.privacy_register())
    )


FREE_TEXT = "Mijn geheime reflectie over de moeder van Sem."


@pytest.fixture
def rich_person(loaded_fixture, teacher, director, zonnebloem, admin_user):
    """The teacher with a row in (nearly) every model that can hold data about a person."""
    from glans_learning.content.xblocks.models import LearningRecord as ExerciseEvent
    from glans_learning.content.xblocks.models import XBlockState
    from glans_learning.core.models import ApiToken, SentNotification
    from glans_learning.courses import services
    from glans_learning.courses.models import (
        LearnerPreference,
        ProgrammeCompletion,
        Register,
        Session,
        SessionRegistration,
    )
    from glans_learning.credentials import tasks
    from glans_learning.credentials.models import PointsEntry, RegisterCycle
    from glans_learning.measurement.models import AccessLog, Rating
    from tests.courses.test_progress_support import answer, current_year, lesson, proef
    from tests.measurement.conftest import make_group, open_moment

    year = current_year()
    programme = proef()
    services.enrol(user=teacher, programme=programme, by=teacher)
    first = lesson("eerste-les")
    services.lesson_open(user=teacher, lesson=first)
    reflection = next(b.id for b in first.activity_blocks if b.block_type == "reflection")
    services.activity_submit(user=teacher, lesson=first, block_id=reflection, answer=FREE_TEXT)
    answer(teacher, first, "knowledge_check")
    now = timezone.now()
    session = Session.objects.create(
        programme=programme,
        unit=zonnebloem,
        title="Bijeenkomst",
        starts_at=now,
        ends_at=now + datetime.timedelta(hours=1),
        school_year=year,
        planned_by=teacher,
    )
    SessionRegistration.objects.create(
        session=session, user=teacher, attendance="present", attendance_note=FREE_TEXT
    )
    completion = ProgrammeCompletion.objects.create(
        user=teacher, programme=programme, completed_at=now
    )
    tasks.record_programme_completion(completion.pk)
    register = Register.objects.get(name="Schoolleidersregister PO")
    PointsEntry.objects.create(
        register=register,
        user=teacher,
        source_type="correction",
        source_id="x",
        amount=1,
        earned_on=now.date(),
        description="Correctie",
        reason=FREE_TEXT,
        created_by=admin_user,
    )
    RegisterCycle.objects.create(register=register, user=teacher, starts_on=now.date())
    LearnerPreference.objects.create(user=teacher, reminders_enabled=False)
    SentNotification.objects.create(user=teacher, kind="k", key="courses:k:0:1")
    XBlockState.objects.create(scope="user_state", key="u1", user=teacher, state={"a": FREE_TEXT})
    ExerciseEvent.objects.create(
        user=teacher, usage_id="u1", block_type="b", event_type="grade", data={"t": FREE_TEXT}
    )
    ApiToken.objects.create(user=teacher, name="Mijn koppeling", prefix="abc", key_hash="h" * 64)
    group = make_group(zonnebloem, year, "Groep 5", 1, label_prefix="Kind ")
    moment = open_moment(zonnebloem, year)
    Rating.objects.create(
        relationship=group.relationships.first(), moment=moment, value="positive", rated_by=teacher
    )
    AccessLog.objects.create(user=teacher, unit=zonnebloem, what="grid")
    return teacher


def test_export_covers_every_model_linked_to_the_person(rich_person, director, admin_user):
    export = privacy.person_export(by=rich_person, user=rich_person)
    linked = {
        label
        for label, fields in flagged_models().items()
        if any(
            getattr(apps.get_model(label)._meta.get_field(f), "related_model", None)
            is apps.get_model(settings.AUTH_USER_MODEL)
            for f in fields
        )
    }
    register = privacy.privacy_register()
    linked = {label for label in linked if register[label].personal}
    assert linked <= set(export["sections"]), sorted(linked - set(export["sections"]))
    sections = export["sections"]
    for label in (
        "auth.User",
        "glans_core.ApiToken",
        "glans_organisations.Membership",
        "glans_courses.Enrollment",
        "glans_courses.LessonProgress",
        "glans_courses.ActivityResponse",
        "glans_courses.ActivityAttempt",
        "glans_courses.SessionRegistration",
        "glans_courses.Session",
        "glans_courses.ProgrammeCompletion",
        "glans_credentials.PointsEntry",
        "glans_credentials.Certificate",
        "glans_credentials.LearningRecord",
        "glans_content.XBlockState",
        "glans_content.LearningRecord",
        "glans_measurement.Rating",
        "glans_measurement.AccessLog",
    ):
        assert sections[label], label
    assert FREE_TEXT in privacy.person_export_json(by=rich_person, user=rich_person)
    text = privacy.person_export_json(by=director, user=rich_person)
    assert rich_person.email in text
    # Reflections stay private to the person, also in an export a director opens.
    responses = json.loads(text)["sections"]["glans_courses.ActivityResponse"]
    assert {r["answer_text"] for r in responses} == {privacy.PRIVATE}
    assert "key_hash" not in text and "h" * 64 not in text  # never the API key
    assert "Kind 0" not in text  # no family label, only codes
    with pytest.raises(PermissionDenied):
        privacy.person_export(by=apps.get_model(settings.AUTH_USER_MODEL)(pk=0), user=rich_person)


def test_erasure_removes_names_and_free_text_and_keeps_aggregates(rich_person, director, client):
    from glans_learning.courses.models import LessonProgress
    from glans_learning.credentials.models import Certificate, PointsEntry

    names = [rich_person.first_name, rich_person.last_name, rich_person.email]
    username = rich_person.get_username()
    progress = LessonProgress.objects.filter(user=rich_person).count()
    points = PointsEntry.objects.filter(user=rich_person).count()
    certificate = Certificate.objects.get(user=rich_person)
    assert certificate.learner_name

    privacy.person_erase(by=director, user=rich_person)
    rich_person.refresh_from_db()
    text = privacy.person_export_json(by=rich_person, user=rich_person)
    for secret in [*names, username, FREE_TEXT, "Mijn koppeling"]:
        assert secret not in text, secret
    assert not rich_person.is_active and not rich_person.has_usable_password()
    assert LessonProgress.objects.filter(user=rich_person).count() == progress
    assert PointsEntry.objects.filter(user=rich_person).count() == points
    certificate.refresh_from_db()
    assert certificate.learner_name == "" and not certificate.pdf
    page = client.get(reverse("glans_credentials:verify", args=[certificate.code]))
    assert "houder geanonimiseerd" in page.content.decode()
    # Logged, without the name; a second erasure is refused.
    from wagtail.models import ModelLogEntry

    entry = ModelLogEntry.objects.get(action="glans.person_erased")
    assert entry.user_id == director.pk
    assert not any(n in json.dumps(entry.data) + entry.label for n in names + [username])
    with pytest.raises(ValidationError):
        privacy.person_erase(by=director, user=rich_person)


def test_erasure_is_refused_while_an_open_dossier_includes_the_person(
    director, teacher, zonnebloem, admin_user
):
    from glans_learning.certification import services
    from tests.certification.conftest import current_year, write_and_publish

    year = current_year()
    book = services.handbook_start(unit=zonnebloem, school_year=year, user=director)
    write_and_publish(book, director)
    services.application_submit(unit=zonnebloem, user=director, school_year=year)
    with pytest.raises(ValidationError, match="open certificeringsdossier"):
        privacy.person_erase(by=admin_user, user=director)
    director.refresh_from_db()
    assert director.last_name and director.is_active
    with pytest.raises(PermissionDenied):  # nobody erases themself here, nor others' people
        privacy.person_erase(by=teacher, user=teacher)
    with pytest.raises(PermissionDenied):  # a director never erases a platform admin
        privacy.person_erase(by=director, user=admin_user)


def test_retention_anonymises_inactive_accounts_once(teacher, director, settings):
    settings.GLANS_ERASE_INACTIVE_AFTER_YEARS = 3
    long_ago = timezone.now() - datetime.timedelta(days=4 * 366)
    type(teacher).objects.filter(pk=teacher.pk).update(last_login=long_ago)
    type(director).objects.filter(pk=director.pk).update(last_login=timezone.now())
    assert erase_inactive_people() == 1
    assert erase_inactive_people() == 0
    teacher.refresh_from_db()
    director.refresh_from_db()
    assert privacy.is_anonymised(teacher) and not privacy.is_anonymised(director)
    settings.GLANS_ERASE_INACTIVE_AFTER_YEARS = 0
    assert erase_inactive_people() == 0


def test_front_end_export_and_erasure(teacher, director, auditor):
    academy = Client()
    academy.force_login(auditor)  # an academy membership has no unit
    assert academy.get(reverse("glans_privacy:mine")).status_code == 200
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(teacher)
    page = csrf.get(reverse("glans_privacy:mine"))
    assert page.status_code == 200 and teacher.email in page.content.decode()
    download = csrf.get(reverse("glans_privacy:mine") + "?format=json")
    assert download["Content-Type"] == "application/json"
    assert "attachment" in download["Content-Disposition"]
    assert json.loads(download.content)["person"] == teacher.pk
    profile = csrf.get(reverse("glans_accounts:profile")).content.decode()
    assert reverse("glans_privacy:mine") in profile

    boss = Client(enforce_csrf_checks=True)
    boss.force_login(director)
    url = reverse("glans_privacy:erase", args=[teacher.pk])
    form = boss.get(url)
    token = form.cookies["csrftoken"].value
    refused = boss.post(url, {"csrfmiddlewaretoken": token})  # no confirmation: nothing
    assert refused.status_code == 200
    teacher.refresh_from_db()
    assert not privacy.is_anonymised(teacher)
    done = boss.post(url, {"csrfmiddlewaretoken": token, "confirm": "on"})
    assert done.status_code == 302
    teacher.refresh_from_db()
    assert privacy.is_anonymised(teacher) and teacher.email == ""


def test_admin_user_list_links_to_the_export(client, admin_user, teacher, verified_login):
    verified_login(client, admin_user)
    page = client.get(reverse("wagtailusers_users:index"))
    assert page.status_code == 200
    assert reverse("glans_privacy:person", args=[teacher.pk]) in page.content.decode()
