"""The teacher's rating grid and the school dashboard run a fixed number of queries,
whatever the size of the group, the number of moments or the number of groups (issue #30)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from glans_learning.measurement.models import MeasurementMoment, Rating
from tests.courses.test_query_counts import count_queries
from tests.measurement.conftest import make_group, open_moment, teach


def _past_moment(unit, year, days_ago):
    day = timezone.localdate() - datetime.timedelta(days=days_ago)
    return MeasurementMoment.objects.create(
        unit=unit,
        school_year=year,
        date=day,
        opens_on=day - datetime.timedelta(days=1),
        closes_on=day,
    )


def _rate(group, moments, value="neutral"):
    Rating.objects.bulk_create(
        [
            Rating(relationship=r, moment=m, value=value, next_step="make")
            for r in group.relationships.all()
            for m in moments
        ],
        ignore_conflicts=True,
    )


def test_rating_grid_is_flat_in_relationships_and_moments(client, zonnebloem, year, teacher):
    """Pseudonymous families (no labels), rated at past moments, with a moment open now."""
    now = open_moment(zonnebloem, year)
    past = [_past_moment(zonnebloem, year, 10)]
    small = make_group(zonnebloem, year, "Groep 3", 5)
    large = make_group(zonnebloem, year, "Groep 4", 30)
    teach(teacher, small)
    teach(teacher, large)
    _rate(small, past + [now])
    client.force_login(teacher)
    small_url = reverse("glans_measurement:grid", args=[small.pk])
    count_queries(client, small_url)
    few = count_queries(client, small_url)
    past += [_past_moment(zonnebloem, year, days) for days in (20, 30, 40, 50)]
    _rate(large, past + [now], value="negative")
    response = client.get(reverse("glans_measurement:grid", args=[large.pk]))
    assert len(response.context["grid"]["rows"]) == 30
    assert len(response.context["dull_codes"]) == 30
    assert count_queries(client, reverse("glans_measurement:grid", args=[large.pk])) == few


def test_school_dashboard_is_flat_in_groups(client, zonnebloem, year, director):
    now = open_moment(zonnebloem, year)
    past = _past_moment(zonnebloem, year, 10)
    for g in range(2):
        _rate(make_group(zonnebloem, year, f"Groep {g}", 6), [past, now])
    client.force_login(director)
    url = reverse("glans_measurement:school", args=[zonnebloem.pk])
    count_queries(client, url)
    few = count_queries(client, url)
    for g in range(2, 8):
        _rate(make_group(zonnebloem, year, f"Groep {g}", 6), [past])
    response = client.get(url)
    assert len(response.context["data"]["groups"]) == 8
    assert count_queries(client, url) == few
