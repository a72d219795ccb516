"""Issue #25, five things no learning platform does: the services, selectors and views
behind them (their journeys in a browser: tests/browser/test_five_things.py)."""

import pytest
from django.test import override_settings
from django.utils import timezone

from glans_learning.measurement import selectors, services
from glans_learning.measurement.models import Rating
from tests.conftest import FIXTURE_MATERIAL
from tests.measurement.conftest import codes
from tests.measurement.test_jobs_export_selfcheck import csrf_client


def post(client, url, data):
    """POST with the CSRF token a page of the site set (the URL itself may be POST only)."""
    if "csrftoken" not in client.cookies:
        client.get("/accounts/profiel/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


STEP = {"GLANS_PRACTICE_STEP_SLUGS": ("sorteren",)}


@pytest.fixture
def material(db):
    from glans_learning.content.material import load_material
    from glans_learning.courses.material_loader import load

    load(load_material(FIXTURE_MATERIAL / "oefeningen"))


def rate(school, teacher, value, index=0):
    code = codes(school["group"])[index]
    services.rate_group(
        user=teacher, moment=school["moment"], ratings=[{"relationship": code, "rating": value}]
    )
    return code


# 1. From dof to practice ---------------------------------------------------------------


@override_settings(**STEP)
def test_practice_lessons_are_found_in_the_material_by_slug_and_exercise_type(material):
    lessons = selectors.practice_lessons()
    assert [(lesson["slug"], lesson["kind"]) for lesson in lessons] == [
        ("sorteren", "step"),
        ("oefenles", "exercise"),  # holds a glans-conversation exercise
    ]
    assert all(lesson["url"] for lesson in lessons)


def test_the_lesson_step_of_the_real_material_is_named_by_the_default_slug():
    text = (
        FIXTURE_MATERIAL.parent.parent.parent
        / "content/material/glans-workshop/05-s/02-van-dof-naar-glans.md"
    ).read_text()
    assert f"slug: {selectors.PRACTICE_STEP_SLUGS_DEFAULT[0]}\n" in text


@override_settings(**STEP)
def test_grid_offers_practice_next_to_dof_and_records_the_step(material, school, teacher):
    client = csrf_client(teacher)
    url = f"/meten/groep/{school['group'].pk}/"
    html = client.get(url).content.decode()
    assert 'id="practice"' in html and "hidden" in html.split('id="practice"')[1][:120]
    code = rate(school, teacher, "negative")
    html = client.get(url).content.decode()
    section = html.split('id="practice"')[1]
    assert not section[:120].count("hidden")
    assert f'<option value="{code}">' in section and "Oefenles" in section

    response = post(
        client, url + "oefenen/", {"code": code, "next_step": "make", "lesson": "oefenles"}
    )
    assert response.status_code == 302
    rating = Rating.objects.get(relationship__family__code=code, moment=school["moment"])
    assert (rating.next_step, rating.practised_lesson) == ("make", "oefenles")
    assert rating.practised_at is not None


@override_settings(**STEP)
def test_practice_refuses_bad_input_and_changes_nothing(material, school, teacher, other_teacher):
    dull = rate(school, teacher, "negative", 0)
    shining = rate(school, teacher, "positive", 1)
    client = csrf_client(teacher)
    url = f"/meten/groep/{school['group'].pk}/oefenen/"
    for data in (
        {"code": shining, "next_step": "make", "lesson": ""},  # not dof
        {"code": dull, "next_step": "nonsense", "lesson": ""},
        {"code": dull, "next_step": "make", "lesson": "bestaat-niet"},
    ):
        page = post(client, url, data)
        assert page.status_code == 302
    assert not Rating.objects.exclude(next_step="").exists()
    assert not Rating.objects.exclude(practised_lesson="").exists()
    # Another school's teacher: nothing at all.
    assert (
        post(csrf_client(other_teacher), url, {"code": dull, "next_step": "make"}).status_code
        == 404
    )


# 2. The 3-op-1 week ---------------------------------------------------------------------


def test_weekly_nudge_is_opt_in_once_per_week_and_names_no_family(
    school, teacher, mailoutbox, django_capture_on_commit_callbacks
):
    from glans_learning.measurement import tasks
    from glans_learning.measurement.models import AppreciationWeek

    code = rate(school, teacher, "neutral")
    assert tasks.plan_appreciation_weeks() == 0  # not opted in: nothing
    services.appreciation_preference_set(user=teacher, channel="mail")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.plan_appreciation_weeks() == 1
        assert tasks.plan_appreciation_weeks() == 0  # idempotent
    assert AppreciationWeek.objects.filter(teacher=teacher).count() == 1
    assert len(mailoutbox) == 1 and mailoutbox[0].to == [teacher.email]
    assert code not in mailoutbox[0].body and "Kind" not in mailoutbox[0].body
    week = AppreciationWeek.objects.get()
    assert tasks.send_appreciation_nudge(week.pk) is False  # the once-only log
    assert len(mailoutbox) == 1


def test_dashboard_channel_sends_no_mail(school, teacher, mailoutbox):
    from glans_learning.measurement import tasks

    rate(school, teacher, "neutral")
    services.appreciation_preference_set(user=teacher, channel="dashboard")
    assert tasks.plan_appreciation_weeks() == 1
    assert mailoutbox == []


def test_ticks_only_for_own_neutral_families_and_the_streak(school, teacher, director):
    import datetime

    from django.core.exceptions import ValidationError

    from glans_learning.measurement.models import Relationship

    rels = list(Relationship.objects.filter(group=school["group"]).order_by("family__code"))
    for i, value in enumerate(["neutral", "neutral", "positive"]):
        rate(school, teacher, value, i)
    neutral = {rel.pk for rel in selectors.neutral_relationships(user=teacher)}
    assert len(neutral) == 2
    shining = next(rel for rel in rels if rel.pk not in neutral and rel.ratings.exists())
    with pytest.raises(ValidationError):
        services.appreciation_tick(user=teacher, relationship_id=shining.pk)
    with pytest.raises(ValidationError):  # not the director's group
        services.appreciation_tick(user=director, relationship_id=min(neutral))
    from glans_learning.measurement.models import AppreciationTick, AppreciationWeek

    monday = selectors.week_start(timezone.localdate())
    last_week = AppreciationWeek.objects.create(
        teacher=teacher, week=monday - datetime.timedelta(days=7)
    )
    for rel_id in neutral:
        AppreciationTick.objects.create(week=last_week, relationship_id=rel_id)
    assert selectors.appreciation_week(user=teacher)["streak"] == 1
    services.appreciation_tick(user=teacher, relationship_id=min(neutral))
    assert selectors.appreciation_week(user=teacher)["done"] == 1
    services.appreciation_tick(user=teacher, relationship_id=max(neutral))
    week = selectors.appreciation_week(user=teacher)
    assert (week["done"], week["streak"]) == (2, 2)
    assert selectors.appreciation_week(user=director)["streak"] == 0  # only one's own


def test_preference_refuses_nonsense(teacher):
    from django.core.exceptions import ValidationError

    from glans_learning.measurement.models import AppreciationPreference

    with pytest.raises(ValidationError):
        services.appreciation_preference_set(user=teacher, channel="sms")
    assert not AppreciationPreference.objects.exists()


# 4. Turnarounds, quietly celebrated ------------------------------------------------------


def a_year_ago(school, teacher, *, then="negative", now="positive", note="Vader boos na gesprek"):
    """The first family of the group, rated `then` by `teacher` a year ago (last school
    year's group) and `now` at the open moment."""
    import datetime

    from glans_learning.measurement.models import MeasurementMoment, Relationship
    from glans_learning.organisations.models import Group, SchoolYear

    unit, year = school["unit"], school["year"]
    last_year = SchoolYear.objects.create(
        label="vorig jaar",
        start_date=year.start_date.replace(year=year.start_date.year - 1),
        end_date=year.end_date.replace(year=year.end_date.year - 1),
    )
    rel = Relationship.objects.filter(group=school["group"]).order_by("family__code").first()
    old_group = Group.objects.create(unit=unit, name="Groep 4", school_year=last_year, grade=1)
    old_rel = Relationship.objects.create(
        unit=unit, school_year=last_year, group=old_group, family=rel.family
    )
    day = timezone.localdate() - datetime.timedelta(days=365)
    moment = MeasurementMoment.objects.create(
        unit=unit, school_year=last_year, date=day, opens_on=day, closes_on=day
    )
    Rating.objects.create(
        relationship=old_rel, moment=moment, value=then, note=note, rated_by=teacher
    )
    rate(school, teacher, now)
    return rel.family.code


def test_turnaround_is_shown_to_the_teacher_who_rated_dof_with_their_note(
    school, teacher, director, client
):
    code = a_year_ago(school, teacher)
    client.force_login(teacher)
    html = client.get("/meten/").content.decode()
    assert f"stond gezin {code} bij jou op dof" in html and "Vader boos na gesprek" in html
    client.force_login(director)  # sees the school, but not someone else's turnaround
    html = client.get("/meten/").content.decode()
    assert "Vader boos" not in html and "bij jou op dof" not in html


def test_no_turnaround_when_it_does_not_shine_now(school, teacher):
    a_year_ago(school, teacher, now="neutral")
    assert selectors.turnarounds(user=teacher) == []
