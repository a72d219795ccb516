"""Big imports in the background, the school's export of everything, and the teacher's own
monthly self-check (never in aggregates)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from glans_learning.measurement import imports, selectors
from glans_learning.measurement.models import (
    AccessLog,
    ImportJob,
    Intervisie,
    Rating,
    Relationship,
    SelfCheck,
)


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def big_csv(rows, *, bad_line=None):
    lines = ["groep;leerlingnummer;aanduiding"]
    for i in range(rows):
        key = "" if i + 2 == bad_line else f"L{i:06d}"
        lines.append(f"Groep {1 + i % 8};{key};")
    return SimpleUploadedFile("lijst.csv", "\n".join(lines).encode(), "text/csv")


@pytest.mark.django_db(transaction=True)
def test_big_import_runs_as_a_job_with_progress(zonnebloem, director, year, settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = csrf_client(director)
    url = f"/meten/school/{zonnebloem.pk}/import/"
    n = imports.ASYNC_ROWS + 10
    response = post(client, url, {"school_year": year.pk, "file": big_csv(n), "action": "import"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/meten/import/{job.pk}/"
    # Without a broker the task ran after the commit; its rows are wiped once done.
    job.refresh_from_db()
    assert job.status == "done" and job.rows == [] and job.result["relationships"] == n
    assert Relationship.objects.filter(unit=zonnebloem).count() == n
    status = client.get(f"/meten/import/{job.pk}/status/").json()
    assert status["status"] == "done" and status["percent"] == 100
    page = client.get(f"/meten/import/{job.pk}/").content.decode()
    assert "<progress" in page and str(n) in page
    # Running it again changes nothing (idempotent).
    imports.import_job_run(job_id=job.pk)
    assert Relationship.objects.filter(unit=zonnebloem).count() == n


def test_big_import_with_an_error_queues_nothing(zonnebloem, director, year):
    client = csrf_client(director)
    url = f"/meten/school/{zonnebloem.pk}/import/"
    response = post(
        client,
        url,
        {
            "school_year": year.pk,
            "file": big_csv(imports.ASYNC_ROWS + 10, bad_line=7),
            "action": "import",
        },
    )
    assert response.status_code == 200 and "Een vast leerlingnummer ontbreekt" in (
        response.content.decode()
    )
    assert not ImportJob.objects.exists() and not Relationship.objects.exists()


def test_a_failing_job_is_all_or_nothing(zonnebloem, director, year):
    from tests.measurement.conftest import make_group

    make_group(zonnebloem, year, "Groep 1", 2)
    rows, problems = imports.parse_table("x.csv", big_csv(20).read())
    assert not problems
    rows.append(rows[0])  # a duplicate line: the plan refuses the whole file
    job = ImportJob.objects.create(
        unit=zonnebloem,
        school_year=year,
        total=len(rows),
        rows=[r.__dict__ for r in rows],
    )
    imports.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == "failed" and job.result["problems"] and job.rows == []
    assert Relationship.objects.filter(unit=zonnebloem).count() == 2


def test_import_jobs_are_the_schools_own(zonnebloem, year, director, other_director, teacher):
    job = ImportJob.objects.create(unit=zonnebloem, school_year=year)
    for user in (other_director, teacher):
        client = csrf_client(user)
        assert client.get(f"/meten/import/{job.pk}/").status_code == 404
        assert client.get(f"/meten/import/{job.pk}/status/").status_code == 404
    assert csrf_client(director).get(f"/meten/import/{job.pk}/status/").status_code == 200


def _read_xlsx(content):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_school_export_holds_everything_labels_only_for_those_allowed(
    school, director, ib, other_director
):
    rel = school["group"].relationships.select_related("family").first()
    Rating.objects.create(
        relationship=rel, moment=school["moment"], value="negative", note="=Bel vader"
    )
    Intervisie.objects.create(
        moment=school["moment"], held_on=school["moment"].date, participants="team", agreements="x"
    )
    url = f"/meten/school/{school['unit'].pk}/export/"
    as_ib = csrf_client(ib).get(url)
    assert as_ib["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _read_xlsx(as_ib.content)
    flat = [str(c) for row in rows for c in row if c is not None]
    assert rel.family.code in flat and "Kind 0" in flat and "'=Bel vader" in flat
    assert any(row[0] == "Intervisie" for row in rows)
    assert len(rows) == 1 + 9 + 1  # header, 9 relationships (one rated), one intervisie
    flat = [str(c) for row in _read_xlsx(csrf_client(director).get(url).content) for c in row]
    assert rel.family.code in flat and "Kind 0" not in flat  # the director sees no labels
    assert AccessLog.objects.filter(what="export", user=ib).exists()
    assert AccessLog.objects.filter(what="export", user=director).exists()
    assert csrf_client(other_director).get(url).status_code == 404


def test_self_check_is_the_teachers_own_and_never_counts(school, teacher, director, client):
    group = school["group"]
    url = f"/meten/groep/{group.pk}/maandcheck/"
    rels = list(group.relationships.all())
    web = csrf_client(teacher)
    assert "Kind 0" in web.get(url).content.decode()
    response = post(web, url, {f"rel-{r.pk}": "positive" for r in rels})
    assert response.status_code == 302
    assert SelfCheck.objects.filter(teacher=teacher).count() == len(rels)
    # A wrong value saves nothing.
    response = post(web, url, {f"rel-{rels[0].pk}": "negative", f"rel-{rels[1].pk}": "x"})
    assert response.status_code == 200
    assert not SelfCheck.objects.filter(value="negative").exists()
    # Not in the school's aggregates, nor visible to the director.
    data = selectors.unit_measurements(unit=school["unit"], school_year=school["year"])
    assert all(c["rated"] == 0 for c in data["moments"])
    assert csrf_client(director).get(url).status_code == 404
    assert (
        csrf_client(teacher).get(f"/meten/groep/{school['other'].pk}/maandcheck/").status_code
        == 404
    )
