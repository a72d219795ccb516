"""A lesson's body (the lesson_body tag): the blocks that look the same to every visitor are
rendered once per published version and language and kept in the course tree's copy; what
it shows is exactly what `{% include_block %}` shows, for every visitor and language, and a
publish, a draft's preview and another language never see another version's HTML."""

import re
import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from glans_learning.content.blocks import STATIC_BLOCK_TYPES, HeadingBlock
from glans_learning.courses.models import Enrollment, LessonPage, ModulePage
from glans_learning.courses.selectors import tree_cache
from tests.builders import build_programme
from tests.factories import UserFactory, person

INCLUDE_BLOCK = Template(
    "{% load wagtailcore_tags %}{% for block in page.body %}{% include_block block %}{% endfor %}"
)
LESSON_BODY = Template("{% load glans_courses %}{% lesson_body page %}")


def without_tokens(html):
    html = re.sub(r'(csrfmiddlewaretoken" value|data-csrf)="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def block(kind, value):
    return {"type": kind, "value": value, "id": str(uuid.uuid4())}


@pytest.fixture
def lesson(tmp_path, zonnebloem, year):
    """A published lesson with every static block type around the builder's text, reflection
    and knowledge check, and a trainer note between them."""
    programme = build_programme(tmp_path, slug="blokken", modules=1, lessons_per_module=2)
    module = ModulePage.objects.child_of(programme).get()
    page = LessonPage.objects.child_of(module).order_by("path").first()
    learner = person("lerende.blokken", unit=zonnebloem)
    Enrollment.objects.create(user=learner, programme=programme, school_year=year, unit=zonnebloem)
    raw = list(page.body.raw_data)
    document = get_document_model().objects.create(
        title="Werkblad eerste gesprek", file=ContentFile(b"vragen", name="werkblad.txt")
    )
    image = get_image_model().objects.create(title="Schoolplein", file=get_test_image_file())
    page.body = [
        block("heading", {"text": "Eerste kop", "level": "h2"}),
        block("quote", {"text": "Elke ouder telt.", "source": "Een leerkracht"}),
        raw[0],
        block("tip", f'<p>Zie <a linktype="page" id="{module.pk}">de module</a>.</p>'),
        block("trainer_note", "<p>Alleen voor de trainer.</p>"),
        raw[1],
        block(
            "video",
            {
                "url": "https://www.youtube-nocookie.com/embed/abc",
                "title": "Een gesprek",
                "transcript": "Regel een\nRegel twee",
            },
        ),
        block(
            "practice_example", {"setting": "KO", "title": "Ophalen", "story": "<p>Een vader.</p>"}
        ),
        block("image", {"image": image.pk, "alt_text": "Ouders op het plein", "caption": ""}),
        block("worksheet", {"document": document.pk, "description": "Voor het gesprek."}),
        *raw[2:],
        block("heading", {"text": "Slot", "level": "h3"}),
    ]
    page.save_revision().publish()
    # Made in this test's transaction, so the copy is skipped until it "commits" (a real site
    # published the lesson long ago).
    tree_cache.clear()
    page = LessonPage.objects.get(pk=page.pk)
    return page, learner


def render(template, page, user, language="nl"):
    request = RequestFactory().get(page.url)
    request.user = user
    with translation.override(language):
        return without_tokens(template.render(Context({"page": page, "request": request})))


def test_the_body_is_what_include_block_renders(lesson):
    page, learner = lesson
    assert {item["type"] for item in page.body.raw_data} >= STATIC_BLOCK_TYPES
    for user in (learner, AnonymousUser()):
        for language in ("nl", "en"):
            expected = render(INCLUDE_BLOCK, LessonPage.objects.get(pk=page.pk), user, language)
            first = render(LESSON_BODY, LessonPage.objects.get(pk=page.pk), user, language)
            kept = render(LESSON_BODY, LessonPage.objects.get(pk=page.pk), user, language)
            assert first == expected, (user, language)
            assert kept == expected, (user, language)
    assert "Eerste kop" in expected and "de module" in expected and "Regel een<br>" in expected
    assert "Werkblad eerste gesprek" in expected and 'alt="Ouders op het plein"' in expected


def test_a_changed_document_or_image_shows_at_once(lesson, client):
    page, learner = lesson
    client.force_login(learner)
    assert "Werkblad eerste gesprek" in client.get(page.url).content.decode()
    document = get_document_model().objects.get()
    document.title = "Werkblad kennismaking"
    document.save()
    tree_cache._pending.changed = False  # as after the commit of the editor's request
    assert "Werkblad kennismaking" in client.get(page.url).content.decode()
    get_image_model().objects.get().delete()
    tree_cache._pending.changed = False
    html = client.get(page.url).content.decode()
    assert "Ouders op het plein" not in html and "Werkblad kennismaking" in html


def test_static_blocks_are_rendered_once_and_the_others_on_every_view(lesson, client, monkeypatch):
    page, learner = lesson
    calls = []
    original = HeadingBlock.render

    def counting(self, value, context=None):
        calls.append(value["text"])
        assert set(context) == {"id"}, "a kept block is rendered without the page's context"
        return original(self, value, context)

    monkeypatch.setattr(HeadingBlock, "render", counting)
    client.force_login(learner)
    for _ in range(3):
        html = client.get(page.url).content.decode()
        assert "Eerste kop" in html and "Slot" in html
        assert 'name="csrfmiddlewaretoken"' in html  # the answer forms: rendered per view
    assert calls == ["Eerste kop", "Slot"]


def test_a_published_change_shows_and_a_draft_only_in_its_preview(lesson, client, verified_login):
    page, learner = lesson
    client.force_login(learner)
    assert "Eerste kop" in client.get(page.url).content.decode()

    draft = LessonPage.objects.get(pk=page.pk)
    raw = list(draft.body.raw_data)
    raw[0] = block("heading", {"text": "Kop in concept", "level": "h2"})
    draft.body = raw
    revision = draft.save_revision()
    tree_cache._pending.changed = False  # as after the commit of the editor's request
    html = client.get(page.url).content.decode()
    assert "Eerste kop" in html and "Kop in concept" not in html

    editor = UserFactory(username="redactie", is_superuser=True, is_staff=True)
    verified_login(client, editor)
    preview = client.get(f"/admin/pages/{page.pk}/view_draft/").content.decode()
    assert "Kop in concept" in preview and "Eerste kop" not in preview

    revision.publish()
    tree_cache._pending.changed = False
    client.force_login(learner)
    html = client.get(page.url).content.decode()
    assert "Kop in concept" in html and "Eerste kop" not in html


def test_each_language_keeps_its_own_body(lesson, client):
    page, learner = lesson
    client.force_login(learner)
    for _ in range(2):
        client.cookies["django_language"] = "nl"
        dutch = client.get(page.url).content.decode()
        client.cookies["django_language"] = "en"
        english = client.get(page.url).content.decode()
        assert "Transcriptie" in dutch and "Praktijkvoorbeeld" in dutch
        assert "Transcript<" in english and "Practice example" in english
        assert "Transcriptie" not in english and "Praktijkvoorbeeld" not in english


def test_trainer_notes_and_answers_stay_per_visitor(lesson, client, zonnebloem, tdt_teacher):
    page, learner = lesson
    client.force_login(learner)
    reflection = next(b for b in page.body if b.block_type == "reflection")
    answer = "Ik nodig elke ouder in de eerste week uit voor een gesprek."
    response = client.post(
        f"/leren/activiteit/{page.pk}/{reflection.id}/", {"answer": answer}, follow=True
    )
    assert response.status_code == 200
    assert answer in client.get(page.url).content.decode()
    assert "Alleen voor de trainer" not in client.get(page.url).content.decode()

    other = person("lerende.ander", unit=zonnebloem)
    client.force_login(other)
    html = client.get(page.url).content.decode()
    assert answer not in html and "Alleen voor de trainer" not in html
    client.force_login(tdt_teacher)
    html = client.get(page.url).content.decode()
    assert answer not in html and "Alleen voor de trainer" in html
