"""The tallies (RatingTally) the dashboards read: they agree with a live count of the ratings
after every write, a retry or re-import recounts instead of adding, the rebuild command
restores them, and the board and academy screens cost the same for 2 and 10 schools."""

import datetime
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from glans_learning.measurement import imports, selectors, services
from glans_learning.measurement.models import (
    MeasurementMoment,
    Rating,
    RatingTally,
    Relationship,
)
from tests.factories import UnitFactory
from tests.measurement.conftest import codes, make_group, open_moment

COUNTS = RatingTally.COUNTS


def _live(unit, year):
    moments = MeasurementMoment.objects.filter(unit=unit, school_year=year).values_list(
        "pk", flat=True
    )
    return selectors.live_counts(moment_ids=moments, unit_ids=[unit.pk])


def _stored(unit, year):
    moments = MeasurementMoment.objects.filter(unit=unit, school_year=year).values_list(
        "pk", flat=True
    )
    return {
        key: {k: row[k] for k in COUNTS}
        for key, row in selectors.tallied_counts(moment_ids=moments, by_group=True).items()
        if row["rated"]
    }


def _agree(unit, year):
    live, stored = _live(unit, year), _stored(unit, year)
    assert live == stored
    assert not selectors.tally_mismatches(unit_ids=[unit.pk])
    return stored


def _put(client, moment, items):
    return client.put(
        f"/api/v1/measurements/{moment.pk}/ratings",
        json.dumps({"ratings": items}),
        content_type="application/json",
    )


def test_rating_through_the_api_keeps_the_tallies_and_a_retry_does_not_add(school, teacher):
    group, moment, unit, year = school["group"], school["moment"], school["unit"], school["year"]
    client = Client()
    client.force_login(teacher)
    family = codes(group)
    items = [
        {"relationship": family[0], "rating": "negative"},
        {"relationship": family[1], "rating": "neutral", "next_step": "keep"},
        {"relationship": family[2], "rating": "positive"},
        {"relationship": family[3], "rating": "negative", "impossible": True},
    ]
    assert _put(client, moment, items).status_code == 200
    stored = _agree(unit, year)
    cell = stored[(moment.pk, group.pk)]
    assert cell == {
        "rated": 4,
        "positive": 1,
        "neutral": 1,
        "negative": 2,
        "dull_without_step": 2,
        "impossible": 1,
    }
    # The same request again (a retry after a lost answer): the same counts, not twice.
    assert _put(client, moment, items).status_code == 200
    assert _agree(unit, year)[(moment.pk, group.pk)] == cell
    # A change of mind and a rating taken back.
    change = [
        {"relationship": family[0], "rating": "positive"},
        {"relationship": family[2], "rating": None},
    ]
    assert _put(client, moment, change).status_code == 200
    cell = _agree(unit, year)[(moment.pk, group.pk)]
    assert (cell["rated"], cell["positive"], cell["negative"]) == (3, 1, 1)
    # The school screen shows the tallied figures.
    data = selectors.unit_measurements(unit=unit, school_year=year)
    assert data["moments"][0]["rated"] == 3 and data["moments"][0]["positive"] == 1


def test_a_next_step_from_practice_leaves_the_dull_without_step_count(school, teacher):
    group, moment = school["group"], school["moment"]
    family = codes(group)[0]
    services.rate_group(
        user=teacher, moment=moment, ratings=[{"relationship": family, "rating": "negative"}]
    )
    assert _agree(school["unit"], school["year"])[(moment.pk, group.pk)]["dull_without_step"] == 1
    services.practice_record(
        user=teacher, group=group, code=family, next_step="make", lesson_slug=""
    )
    assert _agree(school["unit"], school["year"])[(moment.pk, group.pk)]["dull_without_step"] == 0


def _csv(lines):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "groep;leerlingnummer\n" + "\n".join(lines)
    return SimpleUploadedFile("lijst.csv", body.encode())


def test_ending_and_reviving_relationships_by_import_recounts_without_doubling(zonnebloem, year):
    lines = [f"Groep 7;L{i}" for i in range(8)]
    assert imports.relationships_import(unit=zonnebloem, school_year=year, upload=_csv(lines)).ok
    moment = open_moment(zonnebloem, year)
    rels = list(Relationship.objects.filter(unit=zonnebloem))
    Rating.objects.bulk_create(
        Rating(relationship=r, moment=moment, value="positive") for r in rels
    )
    services.tallies_refresh(unit_id=zonnebloem.pk, school_year_id=year.pk)
    group_id = rels[0].group_id
    assert _agree(zonnebloem, year)[(moment.pk, group_id)]["positive"] == 8
    # A file without the last three pupils ends their relationships: they leave the count.
    preview = imports.relationships_import(
        unit=zonnebloem, school_year=year, upload=_csv(lines[:5]), end_missing=True
    )
    assert preview.ok and preview.ended == 3
    assert _agree(zonnebloem, year)[(moment.pk, group_id)]["positive"] == 5
    # The whole list again, twice: they rejoin once.
    for _ in range(2):
        assert imports.relationships_import(
            unit=zonnebloem, school_year=year, upload=_csv(lines)
        ).ok
        assert _agree(zonnebloem, year)[(moment.pk, group_id)]["positive"] == 8


def test_linking_siblings_in_one_group_drops_the_second_rating(school, teacher):
    group, moment = school["group"], school["moment"]
    family = codes(group)
    services.rate_group(
        user=teacher,
        moment=moment,
        ratings=[{"relationship": c, "rating": "positive"} for c in family[:2]],
    )
    assert _agree(school["unit"], school["year"])[(moment.pk, group.pk)]["rated"] == 2
    services.family_link_siblings(unit=school["unit"], codes=family[:2])
    assert _agree(school["unit"], school["year"])[(moment.pk, group.pk)]["rated"] == 1


def test_rebuild_recounts_ratings_loaded_past_the_services_and_is_idempotent(
    zonnebloem, regenboog, year
):
    for unit, value in ((zonnebloem, "neutral"), (regenboog, "negative")):
        group = make_group(unit, year, "Groep 3", 6)
        moment = open_moment(unit, year)
        Rating.objects.bulk_create(
            Rating(relationship=r, moment=moment, value=value) for r in group.relationships.all()
        )
    # Loaded past the services: the check sees it, the screens show nothing yet.
    with pytest.raises(CommandError):
        call_command("glans_measurement_tallies", "--check")
    call_command("glans_measurement_tallies")
    first = {u.pk: _agree(u, year) for u in (zonnebloem, regenboog)}
    assert list(first[zonnebloem.pk].values())[0]["neutral"] == 6
    assert list(first[regenboog.pk].values())[0]["negative"] == 6
    call_command("glans_measurement_tallies")  # again: the same numbers, not doubled
    services.tallies_rebuild(unit_ids=[zonnebloem.pk])
    assert {u.pk: _agree(u, year) for u in (zonnebloem, regenboog)} == first
    call_command("glans_measurement_tallies", "--check")
    # A tally that drifted (edited by hand) is found and put right.
    RatingTally.objects.filter(moment__unit=zonnebloem).update(rated=99)
    with pytest.raises(CommandError):
        call_command("glans_measurement_tallies", "--check", "--unit", str(zonnebloem.pk))
    call_command("glans_measurement_tallies", "--unit", str(zonnebloem.pk))
    assert _agree(zonnebloem, year) == first[zonnebloem.pk]


def _rated_school(unit, year, *, groups=2, families=6):
    today = timezone.localdate()
    moments = [
        MeasurementMoment.objects.create(
            unit=unit,
            school_year=year,
            date=today - datetime.timedelta(days=30 * m),
            opens_on=today - datetime.timedelta(days=30 * m + 3),
            closes_on=today - datetime.timedelta(days=30 * m - 3),
        )
        for m in range(3)
    ]
    for g in range(groups):
        group = make_group(unit, year, f"Groep {unit.pk}-{g}", families)
        Rating.objects.bulk_create(
            Rating(relationship=r, moment=m, value="positive")
            for r in group.relationships.all()
            for m in moments
        )
    services.tallies_refresh(unit_id=unit.pk, school_year_id=year.pk)


def test_board_and_academy_dashboards_are_flat_in_the_number_of_schools(
    zonnebloem, board_expert, academy_trainer, year
):
    """2 schools in the board and the nation, then 10: the same number of queries, and the
    figures are the tallied ones."""
    client = Client()
    requests = [
        (board_expert, f"/meten/bestuur/{zonnebloem.board_id}/"),
        (board_expert, f"/api/v1/boards/{zonnebloem.board_id}/measurements"),
        (academy_trainer, "/meten/academie/"),
    ]

    def counts():
        out = []
        for user, url in requests:
            client.force_login(user)
            assert client.get(url).status_code == 200  # warm (session, roles)
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            out.append(len(ctx.captured_queries))
        return out

    _rated_school(zonnebloem, year)
    _rated_school(UnitFactory(board=zonnebloem.board), year)
    two = counts()
    for _ in range(8):
        _rated_school(UnitFactory(board=zonnebloem.board), year)
    assert counts() == two
    client.force_login(board_expert)
    units = client.get(f"/api/v1/boards/{zonnebloem.board_id}/measurements").json()["units"]
    assert len(units) >= 10
    assert all(m["share_positive"] == 100 and m["rated"] == 12 for u in units for m in u["moments"])


@pytest.mark.parametrize(
    "cell",
    [
        {"suppressed": True, "min_cell": 5, "share_positive": None},
        {"suppressed": False, "min_cell": 5, "share_positive": None},
        {"suppressed": False, "min_cell": 5, "share_positive": 83},
    ],
)
def test_the_cell_tags_render_what_the_included_template_did(cell):
    """The dashboards' cells moved from an included template to tags: the same HTML."""
    from django.template import Context, Template

    cell = {**cell, "moment": MeasurementMoment(date=datetime.date(2026, 3, 9))}
    before = Template(
        '{% load i18n %}<span class="badge" title="{{ c.moment.date|date:\'j-n-Y\' }}">'
        '{{ c.moment.date|date:"j-n" }}: {% if c.suppressed %}<span title="'
        "{% blocktranslate with n=c.min_cell %}minder dan {{ n }} relaties of waarderingen: "
        'niet getoond{% endblocktranslate %}">&lt;{{ c.min_cell }}</span>{% elif '
        "c.share_positive is None %}–{% else %}{{ c.share_positive }}%{% endif %}</span>"
    )
    after = Template("{% load glans_measurement_tags %}{% measurement_badge c %}")
    assert after.render(Context({"c": cell})) == before.render(Context({"c": cell}))
    # A school's row: each badge followed by a space, as the loop wrote them.
    row = Template("{% load glans_measurement_tags %}{% measurement_badges cells %}")
    once = before.render(Context({"c": cell}))
    assert row.render(Context({"cells": [cell, cell]})) == f"{once} {once} "


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_teachers_rating_one_moment_at_once_leave_tallies_that_agree(zonnebloem, year, teacher):
    """Two teachers rate their groups at the same moment at the same time, each twice
    (a retry): each recount waits for the other's moment lock, so the last one sees both."""
    from tests.courses.test_concurrency import run_concurrently
    from tests.factories import person
    from tests.measurement.conftest import teach

    moment = open_moment(zonnebloem, year)
    groups = [make_group(zonnebloem, year, f"Groep {g}", 8) for g in (1, 2)]
    other = person("leraar2.zonnebloem", unit=zonnebloem, roles=["learner"])
    teach(teacher, groups[0])
    teach(other, groups[1])
    work = [
        (user, [{"relationship": c, "rating": value} for c in codes(group)])
        for user, group in ((teacher, groups[0]), (other, groups[1]))
        for value in ("negative", "positive")
    ]

    def rate(i):
        user, items = work[i]
        services.rate_group(user=user, moment=moment, ratings=items)

    run_concurrently(len(work), rate)
    stored = _agree(zonnebloem, year)
    assert [stored[(moment.pk, g.pk)]["rated"] for g in groups] == [8, 8]
