"""What the runtime keeps between renders (issue #16) changes nothing a learner sees: the
cached template rendering gives the same HTML as xblock-utils' own, in Dutch and English;
a parsed definition is reused without sharing mutable values between learners; the page's
learner state read in one query is exactly what each block would read by itself."""

import re

import pytest
from django.test import RequestFactory
from django.utils import translation

from glans_learning.content.xblocks import ids
from glans_learning.content.xblocks.models import XBlockState
from tests.content.test_xblocks import (
    ALLOWED_BLOCKS,
    FREE_TEXT,
    POLL,
    add_exercise,
    call,
    strict_client,
)

pytest.importorskip("xblock")


def render(user, lesson, xblock_type, olx, usage_id):
    from glans_learning.content.xblocks.render import exercise_render

    request = RequestFactory().get(lesson.url)
    request.user = user
    block_id = ids.parse_usage_id(usage_id)[1]
    value = {"xblock_type": xblock_type, "olx": olx}
    html = exercise_render(request=request, page=lesson, block_id=block_id, value=value)
    return re.sub(r'data-csrf="[^"]*"', 'data-csrf=""', html)  # masked anew per request


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("xblock_type,olx", ALLOWED_BLOCKS)
def test_cached_rendering_gives_xblock_utils_html(
    learner, loaded_fixture, xblock_type, olx, language
):
    from glans_learning.content.xblocks import fragments, templates

    lesson = loaded_fixture["lesson"]
    usage_id = add_exercise(lesson, xblock_type, olx)
    with translation.override(language):
        cached = [render(learner, lesson, xblock_type, olx, usage_id) for _ in range(2)]
        fragments.clear()  # the rendered view too, so that xblock-utils' renders it below
        templates.uninstall()
        try:
            original = render(learner, lesson, xblock_type, olx, usage_id)
            django_text = translation.gettext("Opslaan")
        finally:
            templates.install()
        # Django's own catalogue is untouched by a block's merged one.
        assert translation.gettext("Opslaan") == django_text
    assert cached[0] == cached[1] == original
    assert "niet beschikbaar" not in original


def test_a_block_catalogue_translates_its_template(learner, loaded_fixture):
    """The poll ships its own catalogue: its button text follows the language, through the
    cached templates as through xblock-utils'."""
    lesson = loaded_fixture["lesson"]
    usage_id = add_exercise(lesson, "poll", POLL)
    with translation.override("en"):
        english = render(learner, lesson, "poll", POLL, usage_id)
    with translation.override("nl"):
        dutch = render(learner, lesson, "poll", POLL, usage_id)
    assert "Submit" in english
    assert dutch != english


def test_a_reused_definition_shares_no_mutable_values(learner, loaded_fixture):
    from glans_learning.content.xblocks.runtime import _PARSED, GlansRuntime

    lesson = loaded_fixture["lesson"]

    def load():
        runtime = GlansRuntime(
            user=learner, page_id=lesson.pk, block_id="b1", block_type="poll", persist=False
        )
        return runtime.load_block(POLL)

    _PARSED.clear()
    first = load()
    assert ("poll", POLL) in _PARSED
    first.answers.append(["nooit", {"label": "Nooit", "img": None, "img_alt": None}])
    first.save()
    second = load()
    assert [key for key, _ in second.answers] == ["vaak", "soms"]
    assert second.question == "Hoe vaak spreek je elke ouder?"


def test_invalid_olx_is_never_cached(learner, loaded_fixture):
    from glans_learning.content.xblocks.runtime import _PARSED, GlansRuntime, OlxError

    runtime = GlansRuntime(user=learner, page_id=1, block_id="b1", block_type="poll", persist=False)
    with pytest.raises(OlxError):
        runtime.load_block("<survey/>")
    assert ("poll", "<survey/>") not in _PARSED


def test_the_page_state_read_is_what_each_block_reads(learner, loaded_fixture, other_teacher):
    from glans_learning.content.xblocks.runtime import StateStore

    lesson = loaded_fixture["lesson"]
    poll = add_exercise(lesson, "poll", POLL)
    free = add_exercise(lesson, "freetextresponse", FREE_TEXT)
    client = strict_client(learner)
    assert call(client, poll, "vote", {"choice": "vaak"}, lesson=lesson).status_code == 200
    call(client, free, "submit", {"student_answer": "Ik belde elke ouder op."}, lesson=lesson)
    S = XBlockState.Scope
    XBlockState.objects.create(scope=S.USER_STATE, key=poll, user=other_teacher, state={"c": 3})
    XBlockState.objects.create(scope=S.PREFERENCES, key="poll", user=learner, state={"p": 1})
    XBlockState.objects.create(scope=S.USER_INFO, key="", user=learner, state={"i": 2})
    XBlockState.objects.create(scope=S.PREFERENCES, key="poll", user=other_teacher, state={"p": 9})
    XBlockState.objects.create(scope=S.USER_STATE, key=f"p{lesson.pk + 1000}-x", user=learner)
    # A row a learner must never see as the summary: user-owned summary rows are ignored.
    XBlockState.objects.create(scope=S.USER_STATE_SUMMARY, key=poll, user=learner, state={"x": 1})

    for user in (learner, other_teacher, None):
        prefetched = StateStore.prefetch(
            user=user, page_id=lesson.pk, block_types=["poll", "freetextresponse"]
        )
        for usage_id, block_type in ((poll, "poll"), (free, "freetextresponse")):

            def rows(prefetched, usage_id=usage_id, block_type=block_type, user=user):
                store = StateStore(
                    user=user,
                    usage_id=usage_id,
                    block_type=block_type,
                    persist=False,
                    lock=False,
                    prefetched=prefetched,
                )
                return store._load()

            assert rows(prefetched) == rows(None), (user, block_type)
    own = StateStore.prefetch(user=learner, page_id=lesson.pk, block_types=["poll"])
    assert own[poll][(S.USER_STATE, poll)]["choice"] == "vaak"
    assert own[poll][(S.USER_STATE_SUMMARY, poll)]["tally"] == {"vaak": 1, "soms": 0}
    assert StateStore.prefetch(user=other_teacher, page_id=lesson.pk, block_types=["poll"])[poll][
        (S.USER_STATE, poll)
    ] == {"c": 3}
