"""The one-page Glans year report for parents and the MR (issue #25): totals only, the
outsiders' suppression, as a page and a PDF."""

import pytest

from glans_learning.core.pdf import pdf_available
from glans_learning.measurement import services as measurement
from tests.measurement.conftest import codes, make_group, open_moment, teach


def rated_school(unit, year, teacher, families):
    group = make_group(unit, year, "Groep 7", families)
    teach(teacher, group)
    moment = open_moment(unit, year)
    values = ["positive"] * (families - 1) + ["negative"]
    measurement.rate_group(
        user=teacher,
        moment=moment,
        ratings=[
            {"relationship": code, "rating": value}
            for code, value in zip(codes(group), values, strict=True)
        ],
    )
    return group


def test_director_sees_totals_target_certificate_status_and_handbook(
    client, director, teacher, zonnebloem, year, handbook
):
    group = rated_school(zonnebloem, year, teacher, 6)
    client.force_login(director)
    page = client.get(f"/certificering/school/{zonnebloem.pk}/jaarverslag/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Glans-jaarverslag De Zonnebloem" in html
    assert "83%" in html  # 5 of 6 glanst
    assert "Stand van de certificering" in html
    assert "Dit is het eerste handboek van de school." in html
    assert not any(code in html for code in codes(group))  # family codes never
    assert "Groep 7" not in html  # totals only, no groups
    assert "jaarverslag" in client.get(f"/certificering/school/{zonnebloem.pk}/").content.decode()


def test_small_cells_are_suppressed(client, director, teacher, zonnebloem, year):
    rated_school(zonnebloem, year, teacher, 3)
    client.force_login(director)
    html = client.get(f"/certificering/school/{zonnebloem.pk}/jaarverslag/").content.decode()
    assert "te weinig gezinnen om te tonen" in html and "67%" not in html


def test_other_school_gets_nothing(client, other_director, zonnebloem, year):
    client.force_login(other_director)
    assert client.get(f"/certificering/school/{zonnebloem.pk}/jaarverslag/").status_code == 404


@pytest.mark.skipif(not pdf_available(), reason="needs the pdf extra")
def test_pdf_to_share(client, director, teacher, zonnebloem, year):
    rated_school(zonnebloem, year, teacher, 6)
    client.force_login(director)
    response = client.get(f"/certificering/school/{zonnebloem.pk}/jaarverslag/?pdf=1")
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
