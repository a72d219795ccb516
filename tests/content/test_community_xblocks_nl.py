"""The community blocks GLANS ships speak Dutch in Dutch lessons (issue #24 §3): the server
strings through the runtime's i18n service (our catalogue merged over the block's own) and
the JavaScript strings through the global the block's code reads, defined by the runtime."""

import pytest
from django.utils import translation

from glans_learning.content.xblocks import load_class
from glans_learning.content.xblocks.services import BlockI18nService, javascript_catalogue
from tests.content.test_xblocks import add_exercise, strict_client

pytest.importorskip("xblock")
pytest.importorskip("poll")
pytest.importorskip("drag_and_drop_v2")

ENGLISH = ("Submit", "RESULTS", "Results", "Keyboard Help", "point (ungraded)")


def test_a_dutch_lesson_shows_the_poll_and_drag_and_drop_in_dutch(learner, lesson):
    add_exercise(lesson, "poll", '<poll question="Wat helpt?" />')
    add_exercise(lesson, "drag-and-drop-v2", "<drag-and-drop-v2 />")
    html = strict_client(learner).get(lesson.url, HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    # Server side: the poll's button and the drag-and-drop's loading text.
    assert '<span class="submit-label">Versturen</span>' in html
    assert '<span class="submit-label">Submit</span>' not in html
    assert "De sleepopdracht wordt geladen." in html
    assert "Loading drag and drop problem." not in html
    # JavaScript side: the globals the blocks read, with the Dutch catalogue.
    assert "global.PollXBlockI18N = {" in html
    assert "global.DragAndDropI18N = {" in html
    assert '"Results": "Uitkomst"' in html
    assert '"Keyboard Help": "Hulp bij het toetsenbord"' in html


def test_the_javascript_catalogue_has_every_string_in_dutch():
    with translation.override("nl"):
        dnd = javascript_catalogue(load_class("drag-and-drop-v2"))
        poll = javascript_catalogue(load_class("poll"))
    assert '"{earned}/{possible} point (ungraded)": ["{earned}/{possible} punt (oefening)", ' in dnd
    assert '"Submit": "Versturen"' in dnd
    assert '"Results gathered from {total} respondent.": ["Uitkomst van {total} deelnemer.", ' in (
        poll
    )
    with translation.override("en"):
        assert javascript_catalogue(load_class("poll")) is None  # the block's own English


def test_the_server_catalogue_is_ours_merged_over_the_blocks():
    with translation.override("nl"):
        poll = BlockI18nService(load_class("poll"))
        dnd = BlockI18nService(load_class("drag-and-drop-v2"))
    assert poll.gettext("Submit") == "Versturen"
    assert poll.gettext("View results") == "Bekijk de uitkomst"
    assert dnd.ngettext(
        "Correctly placed {correct_count} item", "Correctly placed {correct_count} items", 2
    ) == ("{correct_count} onderdelen goed geplaatst")
    with translation.override("en"):
        assert BlockI18nService(load_class("poll")).gettext("Submit") == "Submit"


@pytest.mark.parametrize("language", ["nl"])
def test_free_text_response_speaks_dutch_too(language):
    pytest.importorskip("freetextresponse")
    with translation.override(language):
        service = BlockI18nService(load_class("freetextresponse"))
    assert service.gettext("Submit") == "Versturen"
