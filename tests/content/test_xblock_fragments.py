"""The rendered view of an exercise kept for learners without state in it (issue #30,
content/xblocks/fragments.py): reused only where it is what the learner would see anyway,
renewed when the exercise is edited and published, and never carrying one learner's
answers to another."""

import contextlib
import re
import uuid
from unittest import mock

import pytest
from django.test import Client, RequestFactory, override_settings
from django.utils import translation

from glans_learning.content.xblocks import ids
from tests.content.test_xblocks import (
    ALLOWED_BLOCKS,
    FREE_TEXT,
    POLL,
    add_exercise,
    call,
    strict_client,
)

pytest.importorskip("xblock")


@pytest.fixture(autouse=True)
def empty_cache():
    from glans_learning.content.xblocks import fragments

    fragments.clear()
    yield
    fragments.clear()


def render(user, lesson, usage_id, xblock_type, olx, *, preview=False):
    from glans_learning.content.xblocks.render import exercise_render

    request = RequestFactory().get(lesson.url)
    request.user = user
    if preview:
        request.is_preview = True
    block_id = ids.parse_usage_id(usage_id)[1]
    value = {"xblock_type": xblock_type, "olx": olx}
    html = exercise_render(request=request, page=lesson, block_id=block_id, value=value)
    return re.sub(r'data-csrf="[^"]*"', 'data-csrf=""', html)  # masked anew per request


def views_rendered():
    """Counts the block views the runtime renders."""
    from glans_learning.content.xblocks.runtime import GlansRuntime

    return mock.patch.object(GlansRuntime, "render", autospec=True, side_effect=GlansRuntime.render)


@pytest.mark.parametrize("xblock_type,olx", ALLOWED_BLOCKS)
def test_learners_without_state_see_the_same_view_rendered_once(
    learner, other_teacher, loaded_fixture, xblock_type, olx
):
    """What makes a type safe to list in GLANS_XBLOCK_CACHED_VIEW_TYPES: rendered for each of
    two learners without state, its view is the same; then it is rendered once for both."""
    from glans_learning.content.xblocks import fragments

    lesson = loaded_fixture["lesson"]
    usage_id = add_exercise(lesson, xblock_type, olx)
    with override_settings(GLANS_XBLOCK_CACHED_VIEW_TYPES=()):
        own = [
            render(user, lesson, usage_id, xblock_type, olx) for user in (learner, other_teacher)
        ]
    assert own[0] == own[1]
    assert "niet beschikbaar" not in own[0]
    with views_rendered() as rendered:
        kept = [
            render(user, lesson, usage_id, xblock_type, olx) for user in (learner, other_teacher)
        ]
    assert kept == own
    assert rendered.call_count == 1
    assert len(fragments._CACHE) == 1


def test_an_answer_is_never_kept_nor_shown_to_another_learner(learner, other_teacher, lesson):
    from glans_learning.content.xblocks import fragments

    usage_id = add_exercise(lesson, "freetextresponse", FREE_TEXT)
    answer = "Ik belde elke ouder op."
    blank = render(other_teacher, lesson, usage_id, "freetextresponse", FREE_TEXT)
    response = call(
        strict_client(learner), usage_id, "submit", {"student_answer": answer}, lesson=lesson
    )
    assert response.status_code == 200, response.content
    # The learner with an answer gets their own view, not the kept blank one ...
    with views_rendered() as rendered:
        own = render(learner, lesson, usage_id, "freetextresponse", FREE_TEXT)
    assert rendered.call_count == 1
    assert answer in own and answer not in blank
    # ... which is not kept: the other learner still sees the blank view, through the page too.
    assert not any(answer in body for body, _ in fragments._CACHE.values())
    assert render(other_teacher, lesson, usage_id, "freetextresponse", FREE_TEXT) == blank
    other = Client()
    other.force_login(other_teacher)
    assert answer not in other.get(lesson.url).content.decode()
    mine = Client()
    mine.force_login(learner)
    assert answer in mine.get(lesson.url).content.decode()


def test_a_shared_summary_is_part_of_the_key(learner, other_teacher, lesson):
    """A vote changes the poll's tally (shared by all learners): views kept before it are
    not served after it."""
    from glans_learning.content.xblocks import fragments

    usage_id = add_exercise(lesson, "poll", POLL)
    render(other_teacher, lesson, usage_id, "poll", POLL)
    before = set(fragments._CACHE)
    vote = call(strict_client(learner), usage_id, "vote", {"choice": "vaak"}, lesson=lesson)
    assert vote.status_code == 200, vote.content
    with views_rendered() as rendered:
        render(other_teacher, lesson, usage_id, "poll", POLL)
    assert rendered.call_count == 1
    assert set(fragments._CACHE) - before


def test_editing_and_publishing_the_exercise_renews_the_view(learner, lesson):
    client = Client()
    client.force_login(learner)
    old = '<freetextresponse prompt="Oude opdracht van de auteur." />'
    new = '<freetextresponse prompt="Nieuwe opdracht van de auteur." />'
    block_id = str(uuid.uuid4())
    raw = list(lesson.body.raw_data)
    value = {"xblock_type": "freetextresponse", "title": "Vrije tekst", "olx": old}
    raw.append({"type": "exercise", "id": block_id, "value": value})
    lesson.body = raw
    lesson.save_revision().publish()
    assert "Oude opdracht" in client.get(lesson.url).content.decode()
    assert "Oude opdracht" in client.get(lesson.url).content.decode()  # from the kept view

    lesson.refresh_from_db()
    raw = list(lesson.body.raw_data)
    raw[-1] = {"type": "exercise", "id": block_id, "value": {**value, "olx": new}}
    lesson.body = raw
    revision = lesson.save_revision()
    # A draft is not served ...
    html = client.get(lesson.url).content.decode()
    assert "Oude opdracht" in html and "Nieuwe opdracht" not in html
    # ... its publication is, at once.
    revision.publish()
    html = client.get(lesson.url).content.decode()
    assert "Nieuwe opdracht" in html and "Oude opdracht" not in html


def test_each_language_has_its_own_view(learner, lesson):
    usage_id = add_exercise(lesson, "poll", POLL)
    with translation.override("en"):
        english = render(learner, lesson, usage_id, "poll", POLL)
    with translation.override("nl"):
        dutch = render(learner, lesson, usage_id, "poll", POLL)
    with translation.override("en"):
        assert render(learner, lesson, usage_id, "poll", POLL) == english
    assert "Submit" in english and dutch != english


def test_previews_and_unlisted_types_are_never_kept(learner, lesson):
    from glans_learning.content.xblocks import fragments

    usage_id = add_exercise(lesson, "poll", POLL)
    render(learner, lesson, usage_id, "poll", POLL, preview=True)
    with override_settings(GLANS_XBLOCK_CACHED_VIEW_TYPES=("survey",)):
        render(learner, lesson, usage_id, "poll", POLL)
    assert not fragments._CACHE


def test_a_view_that_asks_who_is_looking_is_never_kept(learner, other_teacher, lesson):
    """A block that reads the user service (drag-and-drop-v2 in assessment mode asks whether
    the user is staff) may show each learner something else: rendered for each."""
    from xblock.core import XBlock

    from glans_learning.content.xblocks import fragments

    usage_id = add_exercise(lesson, "freetextresponse", FREE_TEXT)
    block_class = XBlock.load_class("freetextresponse")
    original = block_class.student_view

    def student_view(self, context=None):
        with contextlib.suppress(Exception):  # only the question counts here
            self.runtime.service(self, "user")
        return original(self, context)

    with mock.patch.object(block_class, "student_view", student_view):
        render(learner, lesson, usage_id, "freetextresponse", FREE_TEXT)
        with views_rendered() as rendered:
            render(other_teacher, lesson, usage_id, "freetextresponse", FREE_TEXT)
    assert rendered.call_count == 1
    assert not fragments._CACHE


def test_the_per_response_parts_are_not_kept(learner, lesson):
    """The CSRF token and the once-per-response resources stay per request."""
    from glans_learning.content.xblocks.render import exercise_render

    usage_id = add_exercise(lesson, "poll", POLL)
    block_id = ids.parse_usage_id(usage_id)[1]
    value = {"xblock_type": "poll", "olx": POLL}
    pages = []
    for _ in range(2):
        request = RequestFactory().get(lesson.url)
        request.user = learner
        pages.append(exercise_render(request=request, page=lesson, block_id=block_id, value=value))
    tokens = [re.search(r'data-csrf="([^"]*)"', html).group(1) for html in pages]
    assert all(tokens) and tokens[0] != tokens[1]
    assert all("poll_common" in html or "PollBlock" in html for html in pages)
    assert all(html.count("glans_content/xblocks/runtime.js") == 1 for html in pages)


def test_a_site_mounted_under_another_prefix_gets_its_own_view(learner, lesson):
    """Handler URLs are reversed under the script prefix: one process serving the site under
    two prefixes must not hand one mount the other's handler URLs."""
    from django.urls import get_script_prefix, set_script_prefix

    usage_id = add_exercise(lesson, "poll", POLL)
    before = get_script_prefix()
    try:
        set_script_prefix("/")
        at_root = render(learner, lesson, usage_id, "poll", POLL)
        set_script_prefix("/scholen/")
        mounted = render(learner, lesson, usage_id, "poll", POLL)
    finally:
        set_script_prefix(before)
    assert 'data-handler-prefix="/scholen/' in mounted
    assert 'data-handler-prefix="/scholen/' not in at_root


def test_the_kept_views_are_bounded_in_bytes(monkeypatch):
    from glans_learning.content.xblocks import fragments

    monkeypatch.setattr(fragments._CACHE, "max_bytes", 1000)
    view = ("x" * 300, ((("js", "a"), "y" * 100),))  # 400 bytes
    for n in range(5):
        fragments.put(("key", n), view)
    assert list(fragments._CACHE) == [("key", 3), ("key", 4)]  # oldest out first
    fragments.put(("key", 4), view)  # the same key again: counted once
    assert fragments._CACHE.total_bytes == 800
    fragments.put(("big",), ("x" * 2000, ()))  # larger than the whole cache: not kept
    assert ("big",) not in fragments._CACHE and len(fragments._CACHE) == 2
