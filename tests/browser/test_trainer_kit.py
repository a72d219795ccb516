"""A TdT participant on a phone opens a trainer guide: the printable slides and kit are linked
without the page scrolling sideways, and the slides link gives a PDF."""

import pytest

from tests.browser.test_learner_flow import login

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 375, "height": 812}


def test_guide_page_links_the_pdfs_on_a_phone(live_server, page, loaded_fixture, tdt_teacher):
    guide = loaded_fixture["guide"]
    base = live_server.url
    page.set_viewport_size(PHONE)
    login(page, base, "trainer.zonnebloem")
    page.goto(base + guide.url)
    kit = page.locator("section.trainer-kit")
    assert kit.get_by_role("link", name="Dia's (PDF, één dia per pagina)").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    response = page.request.get(base + guide.url + "dias/")
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")
