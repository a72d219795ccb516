"""End to end in a real browser (issue #10's done-when): a teacher rates their group with the
keyboard on a phone, the director sees the school dashboard change, the board-level
Expertgroep sees the board view without any code or label, and a teacher of another school
gets nothing of De Zonnebloem."""

import datetime

import pytest
from django.utils import timezone

from glans_learning.measurement.models import Family, Rating
from glans_learning.organisations.models import SchoolYear
from tests.browser.test_learner_flow import login
from tests.browser.waiting import wait_until
from tests.factories import person
from tests.measurement.conftest import make_group, open_moment, teach

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def no_horizontal_scroll(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def whole_school_row(page):
    return page.get_by_role("row").filter(has_text="Hele school").first.inner_text()


def _setup(teacher, zonnebloem, regenboog):
    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    year = SchoolYear.objects.get_or_create(
        label=f"{start}-{start + 1}",
        defaults={
            "start_date": datetime.date(start, 8, 1),
            "end_date": datetime.date(start + 1, 7, 31),
        },
    )[0]
    group = make_group(zonnebloem, year, "Groep 5", 6, label_prefix="Kind ")
    make_group(zonnebloem, year, "Groep 6", 5)
    make_group(regenboog, year, "Groep 1", 5)
    teach(teacher, group)
    moment = open_moment(zonnebloem, year)
    open_moment(regenboog, year)
    person("expertgroep.bestuur", unit=regenboog, roles=["board_expertgroep"])
    return {"group": group, "moment": moment, "year": year}


def test_keyboard_rating_on_a_phone_reaches_the_dashboards_and_no_further(
    live_server, page, browser, teacher, director, other_teacher, zonnebloem, regenboog
):
    s = _setup(teacher, zonnebloem, regenboog)
    group, moment = s["group"], s["moment"]
    codes = list(Family.objects.filter(unit=zonnebloem).values_list("code", flat=True))
    base = live_server.url

    director_page = browser.new_context(locale="nl-NL").new_page()
    login(director_page, base, "directeur.zonnebloem")
    director_page.goto(f"{base}/meten/school/{zonnebloem.pk}/")
    before = whole_school_row(director_page)

    # The teacher, on a phone: the grid fits the screen and works with the keyboard alone.
    page.set_viewport_size(PHONE)
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}/meten/groep/{group.pk}/")
    assert no_horizontal_scroll(page)
    assert page.get_by_text("Kind 0").count() == 1  # the teacher sees their labels
    wait_until(page, "document.activeElement.classList.contains('rate-btn')")
    for key in ["1", "1", "g", "1", "1"]:  # glanst moves to the next family
        page.keyboard.press(key)
    page.keyboard.press("3")  # dof on the last family stays there
    # Autosave: one request at a time; wait until nothing is pending any more.
    wait_until(
        page,
        "!document.getElementById('rating-grid').hasAttribute('aria-busy')"
        " && document.querySelectorAll('tr.is-saving').length === 0",
    )
    assert page.locator("#grid-status").inner_text().startswith("Opgeslagen")
    assert Rating.objects.filter(moment=moment).count() == 6
    assert Rating.objects.filter(moment=moment, value="positive").count() == 5
    assert no_horizontal_scroll(page)

    # The director sees the school dashboard change.
    director_page.reload()
    after = whole_school_row(director_page)
    assert after != before
    assert "83%" in after  # 5 of the 6 rated relationships glanst
    director_page.set_viewport_size(PHONE)
    assert no_horizontal_scroll(director_page)

    # The board-level Expertgroep: per school, aggregates only, no code and no label.
    board_page = browser.new_context(locale="nl-NL").new_page()
    board_page.set_viewport_size(PHONE)
    login(board_page, base, "expertgroep.bestuur")
    board_page.goto(f"{base}/meten/bestuur/{zonnebloem.board_id}/")
    text = board_page.content()
    assert "De Zonnebloem" in text and "De Regenboog" in text
    assert not [code for code in codes if code in text]
    assert "Kind " not in text
    assert no_horizontal_scroll(board_page)
    api = board_page.request.get(f"{base}/api/v1/boards/{zonnebloem.board_id}/measurements")
    assert api.ok
    assert not [code for code in codes if code in api.text()] and "Kind " not in api.text()

    # A teacher of De Regenboog gets nothing of De Zonnebloem.
    other_page = browser.new_context(locale="nl-NL").new_page()
    login(other_page, base, "leraar.regenboog")
    for path in (
        f"/meten/groep/{group.pk}/",
        f"/meten/school/{zonnebloem.pk}/",
        f"/meten/bestuur/{zonnebloem.board_id}/",
    ):
        assert other_page.goto(f"{base}{path}").status == 404, path
    for path in (
        f"/api/v1/measurements/{moment.pk}/relationships",
        f"/api/v1/organisations/{zonnebloem.pk}/measurements",
    ):
        response = other_page.request.get(f"{base}{path}")
        assert response.status in (403, 404), path
        assert not [code for code in codes if code in response.text()]
