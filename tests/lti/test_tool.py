"""The GLANS LTI 1.3 tool against a real platform implementation (lti1p3platform) on loopback:
deep linking, launches into accounts of the placement's school, grades sent back exactly once,
the roster, and refusals of replayed, tampered and unregistered launches (docs/lti.md)."""

import base64
import json

import pytest
import requests
from django.contrib.auth import get_user_model

from tests.factories import UserFactory

from .conftest import wait_for
from .flows import deep_link, launch, signed_launch

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _lessons(programme):
    from glans_learning.courses.models import LessonPage

    return list(LessonPage.objects.descendant_of(programme).live().order_by("path"))


def _complete(user, lesson):
    """The learner answers the lesson's reflection and knowledge check (its rule)."""
    from glans_learning.courses.services import activity_submit

    for block in lesson.body:
        if block.block_type == "reflection":
            answer = "Ik neem mee dat elke ouder ervaringsdeskundige is van het eigen kind."
            activity_submit(user=user, lesson=lesson, block_id=block.id, answer=answer)
        elif block.block_type == "knowledge_check":
            right = next(i for i, o in enumerate(block.value["options"]) if o["is_correct"])
            activity_submit(user=user, lesson=lesson, block_id=block.id, choice=right)


def _placed(platform, tool, pages):
    session = requests.Session()
    back = deep_link(session, platform, [p.pk for p in pages])
    assert back.status_code == 200, back.text[:500]
    return platform.state()["links"]


def _account(sub):
    from lti_tool.models import LtiUser

    return LtiUser.objects.select_related("auth_user").get(sub=sub).auth_user


def test_a_placed_lesson_launches_into_the_learner_account_and_its_grade_arrives_once(
    platform, tool, zonnebloem
):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    assert [link["title"] for link in links] == [lesson.title]
    assert links[0]["custom"] == {"glans_page": str(lesson.pk)}

    learner = requests.Session()
    response = launch(learner, platform, "learner-1", links[0]["id"])
    assert response.status_code == 200
    assert lesson.title in response.text
    user = _account("learner-1")
    assert user.username.startswith("lti.")
    assert not user.has_usable_password()
    assert zonnebloem.memberships.current().filter(user=user).exists()
    assert user.glans_enrollments.filter(programme=tool.programme, unit=zonnebloem).exists()
    assert platform.state()["scores"] == []  # nothing to report before any progress

    _complete(user, lesson)
    scores = wait_for(lambda: platform.state()["scores"])
    assert [(s["userId"], s["scoreGiven"], s["activityProgress"]) for s in scores] == [
        ("learner-1", 100.0, "Completed")
    ]
    # Sent again (a retry, a second worker): nothing new reaches the gradebook.
    from glans_learning.lti import tasks

    assert tasks.post_scores(user.pk) == 0
    assert len(platform.state()["scores"]) == 1


def test_a_module_grade_is_posted_again_when_it_changes(platform, tool):
    from glans_learning.courses.models import ModulePage

    module = ModulePage.objects.child_of(tool.programme).get()
    links = _placed(platform, tool, [module])
    learner = requests.Session()
    assert launch(learner, platform, "learner-2", links[0]["id"]).status_code == 200
    user = _account("learner-2")
    first, second = _lessons(tool.programme)
    _complete(user, first)
    wait_for(lambda: platform.state()["scores"])
    _complete(user, second)
    scores = wait_for(lambda: len(platform.state()["scores"]) == 2 and platform.state()["scores"])
    assert [(s["scoreGiven"], s["activityProgress"]) for s in scores] == [
        (50.0, "InProgress"),
        (100.0, "Completed"),
    ]


def test_a_replayed_launch_is_refused(platform, tool):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    learner = requests.Session()
    action, fields = signed_launch(learner, platform, "learner-1", links[0]["id"])
    assert learner.post(action, data=fields, timeout=30).status_code == 200
    again = learner.post(action, data=fields, timeout=30)
    assert again.status_code == 403
    assert "niet geldig" in again.text or "al eens gebruikt" in again.text


def _tampered(token: str, **changes) -> str:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body.update(changes)
    raw = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def test_a_tampered_launch_is_refused_and_creates_nobody(platform, tool):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    learner = requests.Session()
    action, fields = signed_launch(learner, platform, "learner-1", links[0]["id"])
    count = get_user_model().objects.count()
    fields["id_token"] = _tampered(fields["id_token"], sub="somebody-else")
    refused = learner.post(action, data=fields, timeout=30)
    assert refused.status_code == 403
    assert "niet geldig" in refused.text
    assert get_user_model().objects.count() == count


def test_a_launch_from_an_unregistered_deployment_is_refused(platform, tool):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    platform.configure(deployment_id="not-registered")
    count = get_user_model().objects.count()
    refused = launch(requests.Session(), platform, "learner-1", links[0]["id"])
    assert refused.status_code == 403
    assert "niet geregistreerd" in refused.text
    assert get_user_model().objects.count() == count


def test_a_platform_not_placed_at_a_school_is_refused(platform, tool):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    tool.placement.delete()
    refused = launch(requests.Session(), platform, "learner-1", links[0]["id"])
    assert refused.status_code == 403
    assert "nog niet aan een school gekoppeld" in refused.text


def test_a_launch_never_attaches_to_an_existing_account_with_the_same_address(platform, tool):
    existing = UserFactory(username="lotte", email="lotte@school.example")
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    assert launch(requests.Session(), platform, "learner-1", links[0]["id"]).status_code == 200
    assert _account("learner-1") != existing


def test_the_instructors_launch_brings_the_roster_to_the_school(platform, tool, zonnebloem):
    _placed(platform, tool, _lessons(tool.programme)[:1])
    members = zonnebloem.memberships.current().filter(user__username__startswith="lti.")
    assert members.count() == 3  # two learners and the instructor, all as learners


def _frame_ancestors(response) -> str:
    policy = response.headers.get("Content-Security-Policy", "")
    found = [d.strip() for d in policy.split(";") if d.strip().startswith("frame-ancestors")]
    return found[0] if found else ""


def test_launched_sessions_may_be_framed_by_the_platform_only(platform, tool):
    lesson = _lessons(tool.programme)[0]
    links = _placed(platform, tool, [lesson])
    learner = requests.Session()
    response = launch(learner, platform, "learner-1", links[0]["id"])
    assert "X-Frame-Options" not in response.headers
    assert _frame_ancestors(response) == f"frame-ancestors 'self' {platform.base}"
    assert "script-src" in response.headers["Content-Security-Policy"]  # the whole policy
    ordinary = requests.get(tool.base + "/accounts/login/", timeout=10)
    assert ordinary.headers["X-Frame-Options"] == "DENY"
    assert _frame_ancestors(ordinary) == "frame-ancestors 'self'"
