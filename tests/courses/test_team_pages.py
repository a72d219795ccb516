"""The team dashboard shows a team in pages of 50 learners (issue #30), as Moodle's
participants page does: the count, 'Wie mist er nog?' and the exports cover the whole team;
the links keep the filters; a page that does not exist shows the nearest one and says so."""

import re

import pytest
from django.urls import reverse
from django.utils import translation

from glans_learning.courses.selectors.team import TEAM_PAGE_SIZE
from tests.builders import build_programme
from tests.courses.test_query_counts import _bulk_team, count_queries


@pytest.fixture
def team(client, tmp_path, director, zonnebloem, year):
    programme = build_programme(tmp_path, slug="pagina", modules=2, lessons_per_module=2)
    _bulk_team(programme, zonnebloem, year, 120)
    client.force_login(director)
    url = f"{reverse('glans_courses:team')}?unit={zonnebloem.pk}&programme={programme.pk}"
    return url + f"&school_year={year.pk}"


def _names(response):
    return [r["user"].username for r in response.context["matrix"]["rows"]]


def test_pages_of_50_cover_the_team_once_in_name_order(client, team):
    assert TEAM_PAGE_SIZE == 50
    pages = [client.get(f"{team}&page={n}") for n in (1, 2, 3)]
    assert [len(_names(r)) for r in pages] == [50, 50, 20]
    names = [name for r in pages for name in _names(r)]
    everyone = client.get(team + "&export=csv").content.decode("utf-8-sig").splitlines()[1:]
    assert len(names) == len(set(names)) == len(everyone) == 120
    # The same order as the export (by name), cut in pages.
    everyone_order = [line.split(";")[0] for line in everyone]
    shown = [r["user"] for p in pages for r in p.context["matrix"]["rows"]]
    assert [u.get_full_name() or u.username for u in shown] == everyone_order
    html = [r.content.decode() for r in pages]
    assert "120 ingeschreven teamleden." in html[0]
    assert "Op pagina 1 van 3: teamleden 1–50 van 120." in html[0]
    assert "Op pagina 3 van 3: teamleden 101–120 van 120." in html[2]
    assert "101–120 van 120" in html[2]
    assert html[0].count('<th scope="row">') == 50


def test_page_links_keep_the_filters_and_mark_the_current_page(client, team):
    html = client.get(f"{team}&page=2&export=").content.decode()
    nav = re.search(r'<nav class="pager" aria-label="Pagina’s van het team">.*?</nav>', html, re.S)
    assert nav, html
    links = re.findall(r'href="\?([^"]+)"', nav.group(0))
    for link in links:
        assert "school_year=" in link and "unit=" in link and "programme=" in link
        assert "export" not in link
    assert 'rel="prev"' in nav.group(0) and 'rel="next"' in nav.group(0)
    assert re.search(r'page=2" aria-current="page"', nav.group(0))
    assert nav.group(0).count('aria-current="page"') == 1


@pytest.mark.parametrize(
    ("asked", "shown", "rows"),
    [("abc", 1, 50), ("0", 1, 50), ("-1", 1, 50), ("4", 3, 20), ("99999999999", 3, 20)],
)
def test_a_page_that_does_not_exist_shows_the_nearest_and_says_so(client, team, asked, shown, rows):
    response = client.get(f"{team}&page={asked}")
    assert response.status_code == 200
    assert response.context["matrix"]["page"].number == shown
    assert len(_names(response)) == rows
    html = response.content.decode()
    assert f"Pagina {asked} bestaat niet. Je ziet pagina {shown} van 3." in html
    assert 'role="status"' in html


def test_the_page_notice_escapes_and_translates(client, team):
    html = client.get(team + "&page=%3Cb%3E").content.decode()
    assert "Pagina &lt;b&gt; bestaat niet." in html
    html = client.get(team + "&page=x%01%1By").content.decode()  # control characters
    assert "Pagina xy bestaat niet." in html
    with translation.override("en"):
        html = client.get(team + "&page=9", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Page 9 does not exist. You are seeing page 3 of 3." in html
    assert "Pages of the team" in html


def test_a_team_of_one_page_has_no_pager_and_no_notice(
    client, tmp_path, director, zonnebloem, year
):
    programme = build_programme(tmp_path, slug="klein", modules=1, lessons_per_module=2)
    _bulk_team(programme, zonnebloem, year, 3)
    client.force_login(director)
    url = f"{reverse('glans_courses:team')}?unit={zonnebloem.pk}&programme={programme.pk}"
    for page in ("", "&page=1"):
        html = client.get(url + page).content.decode()
        assert "3 ingeschreven teamleden." in html
        assert 'class="pager"' not in html and "Op pagina" not in html
        assert "bestaat niet" not in html
        assert html.count('<th scope="row">') == 3


def test_pages_cost_the_same_queries(client, team):
    count_queries(client, team)
    first = count_queries(client, team + "&page=1")
    assert count_queries(client, team + "&page=3") == first
    assert count_queries(client, team + "&page=abc") == first


def test_wie_mist_er_nog_and_the_exports_cover_the_whole_team(client, team, zonnebloem):
    csv = client.get(team + "&page=2&export=csv").content.decode("utf-8-sig")
    assert len(csv.strip().splitlines()) == 121
    programme = re.search(r"programme=(\d+)", team).group(1)
    missing = client.get(
        reverse("glans_courses:team_missing", args=[zonnebloem.pk]) + f"?programme={programme}"
    )
    assert missing.status_code == 200
    assert sum(row["enrolled"] for row in missing.context["rows"]) == 120


def test_many_pages_link_the_ends_and_the_pages_around_the_current_one():
    from django.core.paginator import Paginator

    from glans_learning.courses.templatetags.glans_team import team_page_range

    page = Paginator(list(range(40 * TEAM_PAGE_SIZE)), TEAM_PAGE_SIZE).page(20)
    numbers = team_page_range(page)
    ellipsis = page.paginator.ELLIPSIS
    assert numbers == [1, ellipsis, 18, 19, 20, 21, 22, ellipsis, 40]


def test_page_links_drop_the_export_and_keep_the_rest():
    from django.http import QueryDict

    from glans_learning.courses.templatetags.glans_team import team_page_url

    query = QueryDict("unit=3&programme=4&role=ib&export=csv&page=2")
    assert team_page_url(query, 3) == "?unit=3&programme=4&role=ib&page=3"


def test_a_page_shows_the_same_rows_as_the_whole_team_matrix(client, team, zonnebloem, year):
    """The rows of page 2 are, byte for byte, rows 51–100 of the unpaged matrix."""
    from glans_learning.courses.models import ProgrammePage
    from glans_learning.courses.selectors import team_progress
    from glans_learning.courses.templatetags.glans_team import team_rows

    programme = ProgrammePage.objects.get(pk=re.search(r"programme=(\d+)", team).group(1))
    whole = team_progress(unit=zonnebloem, programme=programme, school_year=year)
    assert whole["page"] is None and whole["total"] == 120
    expected = team_rows(whole["rows"][50:100])
    html = client.get(f"{team}&page=2").content.decode()
    assert expected in html
