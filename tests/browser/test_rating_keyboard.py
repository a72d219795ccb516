"""Issue #23 §3: the rating grid does what its own help text says. A teacher rates 25
families with the keyboard exactly as the help describes (a rating key rates the focused
family and goes on to the next one; arrows move without rating; U undoes), on a phone, and
every stored rating is the one she meant for that family."""

import pytest

from glans_learning.measurement.models import Rating
from tests.browser.test_learner_flow import login
from tests.browser.waiting import wait_until
from tests.measurement.conftest import make_group, open_moment, teach, year  # noqa: F401

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]

KEY_VALUE = {
    "1": "positive",
    "g": "positive",
    "2": "neutral",
    "n": "neutral",
    "3": "negative",
    "d": "negative",
}
# 25 keys, every one of the six keys several times, in no tidy order.
KEYS = list("1g2n3d" * 4) + ["n"]
KEYS = [KEYS[(i * 7) % 25] for i in range(25)]
LABEL = {"positive": "glanst", "neutral": "neutraal", "negative": "dof"}


def _idle(page):
    wait_until(
        page,
        "!document.getElementById('rating-grid').hasAttribute('aria-busy')"
        " && document.querySelectorAll('tr.is-saving').length === 0",
    )


def _focused_code(page):
    return page.evaluate(
        "document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.code"
    )


def _stored(moment):
    return dict(
        Rating.objects.filter(moment=moment).values_list("relationship__family__code", "value")
    )


def test_help_text_is_the_behaviour_for_25_families_on_a_phone(
    live_server,
    page,
    teacher,
    zonnebloem,
    year,  # noqa: F811 (the fixture imported above)
):
    group = make_group(zonnebloem, year, "Groep 7", 25)
    teach(teacher, group)
    moment = open_moment(zonnebloem, year)
    base = live_server.url

    page.set_viewport_size({"width": 375, "height": 812})
    login(page, base, "leraar.zonnebloem")
    page.goto(f"{base}/meten/groep/{group.pk}/")
    help_text = page.locator("#grid-help").inner_text()
    # The help states the model this test follows.
    assert "waardeert het gezin waar je staat en gaat dan door naar het volgende gezin" in help_text
    assert "zonder te waarderen" in help_text and "ongedaan" in help_text
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    codes = page.eval_on_selector_all(
        "#rating-grid tbody tr[data-code]", "rs => rs.map(r => r.dataset.code)"
    )
    assert len(codes) == 25
    wait_until(page, "document.activeElement.classList.contains('rate-btn')")

    intended = {}
    for i, key in enumerate(KEYS):
        assert _focused_code(page) == codes[i]  # the key lands on the family that has focus
        page.keyboard.press(key)
        intended[codes[i]] = KEY_VALUE[key]
        if i == 9:
            # A second thought about family 10: arrow up (no rating), rate it again, which
            # moves on to family 11, where the next key of the list lands.
            page.keyboard.press("ArrowUp")
            assert _focused_code(page) == codes[9]
            page.keyboard.press("3")
            intended[codes[9]] = "negative"
        if i == 14:
            # A slip on family 16, undone with U: family 16 is unrated again, focus back on it.
            page.keyboard.press("1")
            _idle(page)
            assert _stored(moment)[codes[15]] == "positive"
            page.keyboard.press("u")
            _idle(page)
            assert codes[15] not in _stored(moment)
            assert _focused_code(page) == codes[15]
        if i == 20:
            # Arrow down skips family 22 without rating it; arrow up comes back to it.
            page.keyboard.press("ArrowDown")
            assert _focused_code(page) == codes[22]
            page.keyboard.press("ArrowUp")
            assert _focused_code(page) == codes[21]
    _idle(page)

    # Every family got exactly the rating meant for it, and nothing else was stored.
    assert _stored(moment) == intended
    assert len(intended) == 25
    # The screen says which family each saved rating went to: the status line and each row.
    last_code = codes[24]
    status = page.locator("#grid-status").inner_text()
    assert status.startswith("Opgeslagen")
    assert f"gezin {last_code} → {LABEL[intended[last_code]]}" in status
    for code in codes:
        mark = page.locator(f'tr[data-code="{code}"] .saved-mark').inner_text()
        assert LABEL[intended[code]] in mark, code
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # Undo after a change restores the earlier rating through the same service.
    page.locator(f'tr[data-code="{codes[0]}"] .rate-btn[data-value="negative"]').click()
    _idle(page)
    assert _stored(moment)[codes[0]] == "negative"
    page.get_by_role("button", name="Ongedaan maken").click()
    _idle(page)
    assert _stored(moment)[codes[0]] == intended[codes[0]]
