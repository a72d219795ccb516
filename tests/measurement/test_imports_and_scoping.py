from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glans_learning.measurement import imports, selectors, services
from glans_learning.measurement.models import Family, FamilyKey, Rating, Relationship
from tests.measurement.conftest import make_group, open_moment

SAMPLE = Path(__file__).parents[2] / "measurement/samples/edexml-2.1-voorbeeld.xml"


def upload(name, text):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return SimpleUploadedFile(name, data)


def test_edexml_import_pseudonymises_and_reimport_keeps_codes(zonnebloem, year):
    preview = imports.relationships_import(
        unit=zonnebloem, school_year=year, upload=upload("EDEX.XML", SAMPLE.read_bytes())
    )
    assert preview.ok and preview.families_new == 6 and preview.relationships == 6
    codes = set(Family.objects.values_list("code", flat=True))
    stored = " ".join(str(v) for v in Family.objects.values_list("code", "unit__name")) + " ".join(
        FamilyKey.objects.values_list("key_hash", flat=True)
    )
    for secret in ("Anna", "Voorbeeld", "100001"):
        assert secret not in stored
    again = imports.relationships_import(
        unit=zonnebloem, school_year=year, upload=upload("EDEX.XML", SAMPLE.read_bytes())
    )
    assert again.families_existing == 6 and again.families_new == 0
    assert set(Family.objects.values_list("code", flat=True)) == codes
    assert Relationship.objects.count() == 6


def test_csv_import_errors_change_nothing_and_siblings_link(zonnebloem, year):
    bad = "groep;leerlingnummer;aanduiding\nGroep 1;A1;Sam\n;A2;\nGroep 1;#9;\n"
    preview = imports.relationships_import(
        unit=zonnebloem, school_year=year, upload=upload("lijst.csv", bad)
    )
    assert not preview.ok
    assert [p.line for p in preview.problems] == [3, 4]
    assert not Relationship.objects.exists() and not Family.objects.exists()
    good = "groep;leerlingnummer;aanduiding;gezin\nGroep 1;A1;Sam;F1\nGroep 3;A2;Noor;F1\nGroep 3;A3;;\n"
    preview = imports.relationships_import(
        unit=zonnebloem, school_year=year, upload=upload("lijst.csv", good)
    )
    assert preview.ok and Family.objects.count() == 2 and Relationship.objects.count() == 3
    a1, a2 = (
        FamilyKey.objects.get(key_hash=services.pupil_key_hash(unit_id=zonnebloem.pk, pupil_key=k))
        for k in ("A1", "A2")
    )
    assert a1.family_id == a2.family_id


def test_malicious_xml_is_refused(zonnebloem, year):
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;">]><EDEX>&b;</EDEX>'
    )
    import pytest
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        imports.relationships_import(
            unit=zonnebloem, school_year=year, upload=upload("x.xml", bomb)
        )


def test_outside_the_school_small_cells_are_suppressed(zonnebloem, regenboog, year):
    big = make_group(zonnebloem, year, "Groep 1", 6)
    small = make_group(regenboog, year, "Groep 2", 3)
    rows = selectors.units_measurements(units=[zonnebloem, regenboog], school_year=year)
    for group, unit in ((big, zonnebloem), (small, regenboog)):
        moment = open_moment(unit, year)
        Rating.objects.bulk_create(
            [
                Rating(relationship=r, moment=moment, value="positive")
                for r in group.relationships.all()
            ]
        )
        services.tallies_refresh(unit_id=unit.pk, school_year_id=year.pk)  # past rate_group
    rows = {
        r["unit"].pk: r
        for r in selectors.units_measurements(units=[zonnebloem, regenboog], school_year=year)
    }
    assert rows[zonnebloem.pk]["moments"][0]["share_positive"] == 100
    assert (
        rows[regenboog.pk]["moments"][0]["suppressed"]
        and rows[regenboog.pk]["moments"][0]["positive"] is None
    )
    inside = selectors.unit_measurements(unit=regenboog, school_year=year)
    assert inside["moments"][0]["positive"] == 3


def _school_of(unit, year, groups, per_group):
    moment = open_moment(unit, year)
    for g in range(groups):
        group = make_group(unit, year, f"Groep {unit.pk}-{g}", per_group)
        Rating.objects.bulk_create(
            [
                Rating(relationship=r, moment=moment, value="neutral")
                for r in group.relationships.all()
            ]
        )


def test_aggregates_take_a_flat_number_of_queries(zonnebloem, regenboog, year):
    _school_of(zonnebloem, year, 1, 2)
    _school_of(regenboog, year, 6, 12)
    counts = []
    for unit in (zonnebloem, regenboog):
        with CaptureQueriesContext(connection) as ctx:
            data = selectors.unit_measurements(unit=unit, school_year=year)
            [g["moments"] for g in data["groups"]]
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 8
    with CaptureQueriesContext(connection) as ctx:
        selectors.units_measurements(units=[zonnebloem, regenboog], school_year=year)
    assert len(ctx.captured_queries) <= 6


def test_rating_a_group_is_flat_in_size(zonnebloem, year, teacher):
    from tests.measurement.conftest import codes, teach

    counts = []
    moment = None
    for n in (3, 30):
        group = make_group(zonnebloem, year, f"Groep x{n}", n)
        teach(teacher, group)
        moment = moment or open_moment(zonnebloem, year)
        items = [{"relationship": c, "rating": "positive", "group": group.pk} for c in codes(group)]
        with CaptureQueriesContext(connection) as ctx:
            services.rate_group(user=teacher, moment=moment, ratings=items)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_retention_deletes_families_long_gone(zonnebloem, year):
    import datetime

    make_group(zonnebloem, year, "Groep 8", 2)
    assert services.retention_apply(today=year.end_date + datetime.timedelta(days=365)) == 0
    assert services.retention_apply(today=year.end_date + datetime.timedelta(days=3 * 365)) == 2
    assert not Relationship.objects.exists()


def _csv(n, *, first=0, groups=3, label=""):
    lines = [f"Groep {1 + i % groups};L{i:05d};{label}" for i in range(first, first + n)]
    return "groep;leerlingnummer;aanduiding\n" + "\n".join(lines)


def _import_queries(unit, year, text, *, dry_run=False, end_missing=False):
    rows, problems = imports.parse_table("lijst.csv", text.encode())
    with CaptureQueriesContext(connection) as ctx:
        if dry_run:
            preview = imports.relationships_preview_rows(
                unit=unit, school_year=year, rows=rows, problems=problems
            )
        else:
            preview = imports.relationships_import(
                unit=unit, school_year=year, rows=rows, problems=problems, end_missing=end_missing
            )
    assert preview.ok, preview.problems
    return len(ctx.captured_queries), preview


def test_import_query_count_does_not_grow_per_row(zonnebloem, regenboog, year):
    """A fixed number of queries for 6 or 120 rows (one batch each), for the dry run, the
    first import and the re-import; more rows only add batches."""
    small, big = _csv(6), _csv(120)
    assert (
        _import_queries(zonnebloem, year, small, dry_run=True)[0]
        == (_import_queries(regenboog, year, big, dry_run=True)[0])
    )
    first = [_import_queries(u, year, t)[0] for u, t in ((zonnebloem, small), (regenboog, big))]
    assert first[0] == first[1]

    def codes():
        return dict(
            FamilyKey.objects.filter(unit=regenboog).values_list("key_hash", "family__code")
        )

    before = codes()
    # Next year's list: the same pupils with labels (updates), one left and one new; the
    # school chose to end the relationships that are not in the file.
    again = [
        _import_queries(u, year, t, end_missing=True)[0]
        for u, t in (
            (zonnebloem, _csv(6, first=1, label="x")),
            (regenboog, _csv(120, first=1, label="x")),
        )
    ]
    assert again[0] == again[1]
    after = codes()
    assert len(before) == 120 and len(after) == 121 and before.items() <= after.items()
    active = Relationship.objects.filter(unit=regenboog, is_active=True)
    assert active.count() == 120 and set(active.values_list("label", flat=True)) == {"x"}
    assert Relationship.objects.filter(unit=regenboog, is_active=False).count() == 1


def test_import_writes_in_batches(zonnebloem, year, monkeypatch):
    monkeypatch.setattr(imports, "BATCH", 10)
    one = _import_queries(zonnebloem, year, _csv(10, groups=1))[0]
    from glans_learning.organisations.models import OrganisationUnit

    other = OrganisationUnit.objects.create(board=zonnebloem.board, name="Ander", unit_type="po")
    three = _import_queries(other, year, _csv(30, groups=1))[0]
    # Families, their keys and relationships: two more batches of each.
    assert three == one + 3 * 2
