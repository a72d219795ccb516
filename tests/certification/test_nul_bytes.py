"""Issue #23 §6: NUL bytes through front-end forms are no 500 on PostgreSQL. One cleaning for
every interface (core.text.storable, applied by StorableInputMiddleware to every form and
query string, and by the API's parser): the lesson answer form, a handbook comment and an
attachment title store U+FFFD instead. Runs on SQLite and, in the PostgreSQL pass of `make
test`, where a NUL byte used to fail."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from glans_learning.certification.models import HandbookAttachment, HandbookComment

NUL = "Een lang genoeg antwoord met een nul\x00byte erin"


def _client(user, warm_url):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(warm_url).status_code == 200
    return client


def _post(client, url, data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_lesson_answer_form_with_a_nul_byte(loaded_fixture, teacher):
    from glans_learning.courses import services
    from glans_learning.courses.models import ActivityResponse
    from tests.courses.test_progress_support import current_year, proef

    current_year()
    services.enrol(user=teacher, programme=proef(), by=teacher)
    lesson = loaded_fixture["lesson"]
    block_id = next(block.id for block in lesson.body if block.block_type == "reflection")
    client = _client(teacher, lesson.url)
    url = reverse("glans_courses:activity", args=[lesson.pk, block_id])
    response = _post(client, url, {"answer": NUL})
    assert response.status_code == 302
    stored = ActivityResponse.objects.get(block_id=block_id).answer_text
    assert "\x00" not in stored and "\ufffd" in stored
    # A NUL byte in a query string is no server error either.
    assert client.get(lesson.url, {"q": "a\x00b"}).status_code == 200


def test_handbook_comment_and_attachment_title_with_a_nul_byte(handbook, director):
    criterion = handbook.criterion_set.criteria.first()
    url = reverse("glans_certification:workspace", args=[handbook.pk])
    client = _client(director, url)
    response = _post(client, url, {"criterion": criterion.pk, "body": "Goed\x00zo"})
    assert response.status_code == 302
    assert HandbookComment.objects.get().body == "Goed\ufffdzo"
    upload = SimpleUploadedFile("pl\x00an.pdf", b"%PDF-1.4 plan", content_type="application/pdf")
    response = _post(
        client,
        url,
        {"action": "attach", "criterion": criterion.pk, "title": "Pl\x00an", "file": upload},
    )
    assert response.status_code == 302
    attachment = HandbookAttachment.objects.get()
    assert attachment.title == "Pl\ufffdan"
    assert "\x00" not in attachment.file.name
