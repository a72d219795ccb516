"""Issue #25, the learning flow: a module's last lesson leads on to the next module, finishing
a programme is congratulated with the way to the certificate and points, and a final wrong
knowledge-check answer shows the right one with its explanation."""

from django.urls import reverse

from glans_learning.courses import services
from glans_learning.courses.models import ActivityAttempt, LessonPage
from tests.courses.test_progress_support import (
    activity_ids,
    answer_all,
    copy_material,
    lesson,
    load_dir,
    write_lesson,
)


def test_last_lesson_of_a_module_leads_to_the_next_modules_first_lesson(client, learner, tmp_path):
    material = copy_material(tmp_path)
    module_dir = material / "proef" / "02-l"
    module_dir.mkdir()
    (module_dir / "module.md").write_text(
        "---\ntitle: L – Tweede module\nslug: l\nletter: L\nestimated_minutes: 10\n"
        "learning_goals:\n  - Je gaat door.\n---\nInleiding.\n",
        encoding="utf-8",
    )
    write_lesson(
        material, "01-verder.md", slug="verder", title="Verder in L", module_dir="proef/02-l"
    )
    load_dir(material)
    client.force_login(learner)
    last = lesson("tweede-les")
    html = client.get(last.url).content.decode()
    following = LessonPage.objects.get(slug="verder")
    assert f'rel="next" href="{following.url}"' in html
    assert "Volgende module: L – Tweede module" in html
    assert "Terug naar de module" not in html
    # The very last lesson of the programme leads back to the programme.
    html = client.get(following.url).content.decode()
    assert 'rel="next"' not in html
    assert "Terug naar het programma" in html


def test_finishing_the_programme_congratulates_and_links_certificate_and_points(client, learner):
    first, second = lesson("eerste-les"), lesson("tweede-les")
    services.lesson_open(user=learner, lesson=first)
    answer_all(learner, first)
    services.lesson_open(user=learner, lesson=second)
    client.force_login(learner)
    reflection = activity_ids(second)["reflection"][0]
    response = client.post(
        f"/leren/activiteit/{second.pk}/{reflection}/",
        {"answer": "Ik laat het team eerst zelf vertellen."},
        follow=True,
    )
    html = response.content.decode()
    assert "Gefeliciteerd! Je hebt Proefprogramma afgerond." in html
    assert f'href="{reverse("glans_credentials:mine")}"' in html
    assert "Bekijk je certificaat en je registratiepunten" in html
    # Answering again afterwards is an ordinary save, not a second congratulation.
    html = client.post(
        f"/leren/activiteit/{second.pk}/{reflection}/",
        {"answer": "Ik laat het team eerst zelf vertellen, en luister."},
        follow=True,
    ).content.decode()
    assert "Gefeliciteerd" not in html and "Je antwoord is opgeslagen." in html


def test_a_final_wrong_answer_shows_the_right_one_with_its_explanation(client, learner):
    first = lesson("eerste-les")
    client.force_login(learner)
    check = activity_ids(first)["knowledge_check"][0]
    options = list(first.get_activity(check).value["options"])
    wrong = next(i for i, o in enumerate(options) if not o["is_correct"])
    client.post(f"/leren/activiteit/{first.pk}/{check}/", {"choice": str(wrong)})
    html = client.get(first.url).content.decode()
    assert "Het juiste antwoord:" in html
    assert "Deze" in html and "Goed zo." in html  # the right option and its explanation
    assert "Helaas." in html  # the feedback on the learner's own choice stays
    # The attempt counted once; answering again changes nothing.
    client.post(f"/leren/activiteit/{first.pk}/{check}/", {"choice": str(1 - wrong)})
    assert ActivityAttempt.objects.filter(user=learner, block_id=check).count() == 1


def test_invitation_organizer_is_a_valid_mailto_address(settings, programme):
    from glans_learning.courses.calendar import session_event
    from tests.courses.test_progress_support import make_session

    settings.DEFAULT_FROM_EMAIL = "GLANS <noreply@glans.invalid>"
    event = session_event(make_session(programme), attendee_email="leraar@example.invalid")
    assert str(event["ORGANIZER"]) == "mailto:noreply@glans.invalid"
    assert event["ORGANIZER"].params["CN"] == "GLANS"
    assert "ORGANIZER;CN=GLANS:mailto:noreply@glans.invalid" in event.to_ical().decode()


def test_presenter_view_shows_the_slides_each_step_names(client, director, loaded_fixture):
    import json
    import re as regex

    from glans_learning.content.material import parse_body, split_front_matter
    from glans_learning.courses.selectors.guides import step_slide_numbers
    from tests.browser.test_everyday_journeys import GUIDE_SOURCE

    assert step_slide_numbers("Opening (dia 1–2)") == [1, 2]
    assert step_slide_numbers("Afspraken (dia 8)") == [8]
    assert step_slide_numbers("Pauze") == []
    guide = loaded_fixture["guide"]
    _meta, body = split_front_matter(GUIDE_SOURCE.read_text(encoding="utf-8"), "l-lijn.md")
    guide.body = [b for b in parse_body(body, "l-lijn.md") if b["type"] != "worksheet"]
    guide.save()
    client.force_login(director)
    html = client.get(f"/leren/les/{guide.pk}/presenteren/").content.decode()
    steps = json.loads(
        regex.search(
            r'id="presenter-steps" type="application/json">(.*?)</script>', html, regex.S
        ).group(1)
    )
    assert steps[0]["title"].startswith("Opening") and steps[0]["slides"] == [1, 2]
    assert 'data-slide="1"' in html and "Dia 1: De L van Lijn" in html
