"""A trainer guide's printable slides and trainer kit: read from the guide's own material,
served as PDF under the guide page to those who may use the kit, rendered once per revision."""

from unittest import mock

import pytest
from django.test import Client

from glans_learning.content.material import MATERIAL_DIR, load_material
from glans_learning.content.trainer_kit import read_trainer_kit
from glans_learning.courses import trainer_kits
from glans_learning.courses.models import TrainerGuidePdf
from tests.factories import log_in

weasyprint = pytest.importorskip("weasyprint")


def page_texts(html: str) -> list[str]:
    """The text WeasyPrint lays out on each page of a document."""

    def walk(box, parts):
        if getattr(box, "text", None):
            parts.append(box.text)
        for child in getattr(box, "children", []) or []:
            walk(child, parts)
        return parts

    document = weasyprint.HTML(string=html).render()
    return [" ".join(walk(page._page_box, [])) for page in document.pages]


def login(user) -> Client:
    client = Client()
    log_in(client, user)  # an auditor with a verified second factor (issue #23)
    return client


# --- the kit of every Train-de-Trainer module, read from the shipped material ------------


@pytest.fixture(scope="module")
def tdt_guides():
    material = load_material(MATERIAL_DIR)
    [tdt] = [p for p in material.programmes if p.audience == "tdt"]
    return [
        (module, lesson)
        for module in tdt.modules
        for lesson in module.lessons
        if lesson.is_trainer_guide
    ]


def test_every_tdt_module_has_a_complete_kit(tdt_guides):
    assert len(tdt_guides) == 7
    problems = []
    for module, lesson in tdt_guides:
        kit = read_trainer_kit(title=lesson.title, body=lesson.body)
        where = module.source
        for key in ("goals", "prework", "timeline", "questions", "checkin"):
            if key not in kit.sections:
                problems.append(f"{where}: no '{key}' part")
        if len(kit.slides) < 5:
            problems.append(f"{where}: {len(kit.slides)} slides")
        settings = {card.label.split()[0] for card in kit.cards.get("case", [])}
        if not {"PO", "KO", "VO"} <= settings:
            problems.append(f"{where}: case cards for {sorted(settings)}, not PO, KO and VO")
        if len(kit.cards.get("role", [])) < 2:
            problems.append(f"{where}: fewer than two role cards")
        if len(kit.cards.get("observation", [])) != 1:
            problems.append(f"{where}: no observation card")
        if len(kit.cards.get("calibration", [])) < 2:
            problems.append(f"{where}: fewer than two calibration cases")
        if len(kit.worksheets) < 2:
            problems.append(f"{where}: fewer than two worksheets")
        numbers = [slide.number for slide in kit.slides]
        if numbers != list(range(1, len(numbers) + 1)):
            problems.append(f"{where}: slides numbered {numbers}")
    assert not problems, "\n".join(problems)


def test_slides_skip_the_explanation_of_the_slides_part(tdt_guides):
    _module, lesson = next((m, g) for m, g in tdt_guides if m.letter == "N")
    kit = read_trainer_kit(title=lesson.title, body=lesson.body)
    assert kit.slides[0].title == "De N van Naast elkaar"
    assert "Schouder aan schouder" in kit.slides[0].html
    assert all("printbare" not in slide.html for slide in kit.slides)
    assert kit.cards["case"][0].label == "PO – te ver weg"
    assert "groep 6" in kit.cards["case"][0].html
    # The calibration answers are for the trainers, not on the cards.
    assert "Bedoeling" in kit.card_notes["calibration"].html
    assert all("Bedoeling" not in card.html for card in kit.cards["calibration"])


# --- the guide page's PDFs ------------------------------------------------------------


@pytest.fixture
def guide(loaded_fixture):
    return loaded_fixture["guide"]


def test_slides_pdf_one_large_slide_per_page_made_from_the_material(guide, tdt_teacher):
    urls = trainer_kits.trainer_kit_urls(lesson=guide, user=tdt_teacher)
    assert urls.slides == guide.url + "dias/"
    response = login(tdt_teacher).get(urls.slides)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert 'filename="dias-g.pdf"' in response["Content-Disposition"]
    pages = page_texts(trainer_kits.render_guide_html(lesson=guide, kind="slides"))
    assert len(pages) == 2
    assert "Proefdia over de driehoek" in pages[0]
    assert "Schouder aan schouder met elke ouder." in pages[0]
    assert "Onze proefafspraak" in pages[1]


def test_kit_pdf_holds_the_guide_and_cards_four_to_a_page(guide, director):
    response = login(director).get(guide.url + "trainerskit/")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert 'filename="trainerskit-g.pdf"' in response["Content-Disposition"]
    pages = page_texts(trainer_kits.render_guide_html(lesson=guide, kind="kit"))
    text = " ".join(pages)
    for expected in ("Doelen", "Check-in na vier weken", "Lijst", "Bedoeling"):
        assert expected in text
    # 3 case + 2 role + 4 observation copies + 2 calibration = 11 cards: 3 pages of cards.
    # The card's kind is set in capitals.
    card_pages = [p for p in pages if "CASUSKAART" in p or "ROLKAART" in p or "KALIBRATIE" in p]
    assert len(card_pages) == 3
    assert pages[-3].count("CASUSKAART") == 3 and pages[-3].count("ROLKAART") == 1
    assert pages[-2].count("OBSERVATIEKAART") == 3
    assert "Een proefcasus in groep 5." in pages[-3]


def test_learner_without_the_kit_role_finds_nothing(guide, teacher, auditor):
    for user in (teacher, auditor):
        client = login(user)
        assert client.get(guide.url + "dias/").status_code == 404
        assert client.get(guide.url + "trainerskit/").status_code == 404
        assert trainer_kits.trainer_kit_urls(lesson=guide, user=user) is None
    assert "dias/" not in login(teacher).get(guide.url).content.decode()


def test_anonymous_is_sent_to_the_login(guide):
    response = Client().get(guide.url + "dias/")
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_ordinary_lesson_has_no_pdfs(loaded_fixture, tdt_teacher):
    lesson = loaded_fixture["lesson"]
    assert login(tdt_teacher).get(lesson.url + "dias/").status_code == 404
    assert trainer_kits.trainer_kit_urls(lesson=lesson, user=tdt_teacher) is None


def test_pdf_is_rendered_once_per_revision(guide, tdt_teacher):
    client = login(tdt_teacher)
    with mock.patch.object(
        trainer_kits, "render_guide_pdf", wraps=trainer_kits.render_guide_pdf
    ) as render:
        first = client.get(guide.url + "dias/")
        second = client.get(guide.url + "dias/")
        assert render.call_count == 1
        assert first.content == second.content
        client.get(guide.url + "trainerskit/")
        assert render.call_count == 2
        # A new published revision makes a new PDF.
        guide.title = "Tweede les, herzien"
        guide.save_revision().publish()
        client.get(guide.url + "dias/")
        assert render.call_count == 3
    assert TrainerGuidePdf.objects.filter(page=guide).count() == 2


def test_guide_page_links_to_the_pdfs(guide, tdt_teacher):
    html = login(tdt_teacher).get(guide.url).content.decode()
    assert f'href="{guide.url}dias/"' in html
    assert f'href="{guide.url}trainerskit/"' in html


def test_without_weasyprint_a_clear_message_instead_of_links(guide, tdt_teacher):
    client = login(tdt_teacher)
    with (
        mock.patch.object(trainer_kits, "pdf_available", return_value=False),
        mock.patch("glans_learning.core.pdf.pdf_available", return_value=False),
    ):
        page = client.get(guide.url).content.decode()
        response = client.get(guide.url + "dias/")
    assert "dias/" not in page
    assert "WeasyPrint" in page
    assert response.status_code == 503
    assert "WeasyPrint" in response.content.decode()
