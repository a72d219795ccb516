"""Activity blocks nobody has answered yet are rendered once per process and reused
(content/activity_views.py, issue #30): the same HTML as before for every visitor, never
anyone's answer, a CSRF token of the response's own."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory, override_settings
from wagtail.rich_text import RichText

from glans_learning.content import activity_views
from glans_learning.courses import services
from tests.courses.test_progress_support import activity_ids, answer, lesson, set_block_values
from tests.factories import person

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
NONCE = re.compile(r'nonce="[^"]+"')


@pytest.fixture(autouse=True)
def empty_cache():
    activity_views.clear()
    yield
    activity_views.clear()


def enrolled(name, unit, programme):
    user = person(name, unit=unit)
    services.enrol(user=user, programme=programme, by=user)
    return user


def page_html(user, page, client=None):
    client = client or Client()
    if user is not None:
        client.force_login(user)
    return client.get(page.url).content.decode()


def without_tokens(html):
    """The page without what differs per response anyway (CSRF tokens, the CSP nonce)."""
    return NONCE.sub('nonce="-"', TOKEN.sub('name="csrfmiddlewaretoken" value="-"', html))


def count_renders(monkeypatch):
    calls = []
    original = activity_views.render

    def counting(*, key, context, render_view):
        def view(view_context):
            calls.append(context["block_id"])
            return render_view(view_context)

        return original(key=key, context=context, render_view=view)

    monkeypatch.setattr(activity_views, "render", counting)
    return calls


def test_unanswered_blocks_render_as_before_and_only_once(programme, zonnebloem, monkeypatch):
    first = lesson("eerste-les")
    users = [enrolled(f"leerling{n}", zonnebloem, programme) for n in range(2)]
    with override_settings(GLANS_CACHED_ACTIVITY_BLOCKS=()):
        uncached = [without_tokens(page_html(user, first)) for user in users]
    calls = count_renders(monkeypatch)
    cached = [without_tokens(page_html(user, first)) for user in users]
    again = [without_tokens(page_html(user, first)) for user in users]
    assert cached == uncached == again
    ids = activity_ids(first)
    assert sorted(ids) == ["assignment", "knowledge_check", "reflection"]
    # Reflection and assignment: once for both learners; the knowledge check once per order
    # of its options (shuffled per learner), here at most two.
    assert calls.count(ids["reflection"][0]) == 1
    assert calls.count(ids["assignment"][0]) == 1
    assert 1 <= calls.count(ids["knowledge_check"][0]) <= 2
    assert len(activity_views._CACHE) == 2 + calls.count(ids["knowledge_check"][0])


def test_an_answer_is_never_kept_nor_shown_to_another_learner(programme, zonnebloem):
    first = lesson("eerste-les")
    alice, bob = (enrolled(name, zonnebloem, programme) for name in ("alice", "bob"))
    page_html(bob, first)  # bob's empty forms are kept
    answer(alice, first, "reflection")
    answer(alice, first, "assignment")
    answer(alice, first, "knowledge_check", correct=False)
    hers = page_html(alice, first)
    assert hers.count("Een antwoord van voldoende lengte.") == 2
    assert "Antwoord bijwerken" in hers and "Reflectie bijwerken" in hers
    his = page_html(bob, first)
    assert "Een antwoord van voldoende lengte." not in his
    assert "Antwoord opslaan" in his and "Reflectie inleveren" in his
    assert not any(
        "Een antwoord van voldoende lengte." in html for html in activity_views._CACHE.values()
    )
    assert not any("Antwoord bijwerken" in html for html in activity_views._CACHE.values())


def test_each_response_gets_its_own_working_csrf_token(programme, zonnebloem):
    first = lesson("eerste-les")
    enrolled("eerste", zonnebloem, programme)
    user = enrolled("tweede", zonnebloem, programme)
    page_html(person("derde", unit=zonnebloem), first)  # kept by someone else's request
    client = Client(enforce_csrf_checks=True)
    html = page_html(user, first, client)
    assert activity_views._CSRF_PLACEHOLDER not in html
    assert not any(
        activity_views._CSRF_PLACEHOLDER not in view for view in activity_views._CACHE.values()
    )
    block_id = activity_ids(first)["reflection"][0]
    form = re.search(
        rf'action="([^"]+{block_id}/)">\s*<input type="hidden" name="csrfmiddlewaretoken" '
        r'value="([^"]+)"',
        html,
    )
    assert form, "the reflection's form carries a token"
    response = client.post(
        form.group(1),
        {
            "answer": "Dit is mijn antwoord op de reflectievraag.",
            "csrfmiddlewaretoken": form.group(2),
        },
    )
    assert response.status_code in (200, 302)
    assert "Dit is mijn antwoord op de reflectievraag." in page_html(user, first, client)


def test_a_published_edit_shows_at_once(programme, zonnebloem):
    first = lesson("eerste-les")
    user = enrolled("lezer", zonnebloem, programme)
    assert "Een nieuwe vraag om over na te denken?" not in page_html(user, first)
    set_block_values(first, "reflection", question="Een nieuwe vraag om over na te denken?")
    assert "Een nieuwe vraag om over na te denken?" in page_html(user, first)


def test_each_language_and_a_visitor_who_is_not_signed_in_get_their_own_view(programme, zonnebloem):
    first = lesson("eerste-les")
    user = enrolled("talen", zonnebloem, programme)
    client = Client()
    client.force_login(user)
    dutch = client.get(first.url).content.decode()
    english = client.get(first.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Antwoord opslaan" in dutch and "Save answer" not in dutch
    assert "Save answer" in english and "Antwoord opslaan" not in english
    assert "Antwoord opslaan" in client.get(first.url).content.decode()
    assert {key[-1] for key in activity_views._CACHE} == {"nl", "en"}
    # Signed out, the same blocks ask the visitor to log in (their own entries).
    block = next(child for child in first.body if child.block_type == "reflection")
    signed_in = set(activity_views._CACHE)
    request = RequestFactory().get(first.url)
    request.user = AnonymousUser()
    html = block.render({"request": request, "page": first, "id": block.id, "csrf_token": "t"})
    assert "Log in om je antwoord op te slaan." in html and "<form" not in html
    assert set(activity_views._CACHE) - signed_in


def test_previews_and_unlisted_types_are_not_kept(programme, zonnebloem):
    first = lesson("eerste-les")
    user = enrolled("voorbeeld", zonnebloem, programme)
    request = RequestFactory().get(first.url)
    request.user = user
    request.is_preview = True
    block = next(child for child in first.body if child.block_type == "reflection")
    html = block.render(
        {
            "request": request,
            "page": first,
            "id": block.id,
            "csrf_token": "t",
            "glans_activity_url": "/antwoorden/",
        }
    )
    assert 'name="csrfmiddlewaretoken" value="t"' in html
    assert not activity_views._CACHE
    with override_settings(GLANS_CACHED_ACTIVITY_BLOCKS=("knowledge_check",)):
        page_html(user, first)
        assert {key[0] for key in activity_views._CACHE} == {"knowledge_check"}


def test_a_block_that_links_to_a_page_is_not_kept(programme, zonnebloem):
    first = lesson("eerste-les")
    second = lesson("tweede-les")
    set_block_values(
        first,
        "assignment",
        instructions=RichText(
            f'<p>Lees eerst <a linktype="page" id="{second.pk}">de tweede les</a>.</p>'
        ),
    )
    user = enrolled("linker", zonnebloem, programme)
    html = page_html(user, first)
    assert f'href="{second.url}"' in html
    assert "assignment" not in {key[0] for key in activity_views._CACHE}
    assert "reflection" in {key[0] for key in activity_views._CACHE}
