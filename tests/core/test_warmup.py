"""The worker warm-up (issue #30): templates compiled and every exercise type rendered once
before the first request, without touching the database, and never fatal."""

import importlib
import logging
import sys

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from glans_learning import warmup
from glans_learning.content.xblocks import allowed_types

REAL_TUNE_GC = warmup.tune_gc


@pytest.fixture(autouse=True)
def _keep_the_test_processs_collector(monkeypatch):
    """warm_up() ends by tuning the garbage collector of the worker; the tests below call it
    in the test process, which must keep Python's defaults (tune_gc has its own tests)."""
    calls = []
    monkeypatch.setattr(warmup, "tune_gc", lambda: calls.append(1) or False)
    return calls


@pytest.mark.django_db
def test_warm_up_renders_every_exercise_type_and_reads_nothing(
    caplog, monkeypatch, _keep_the_test_processs_collector
):
    rendered = []
    from glans_learning.content.xblocks import render

    real = render.exercise_render

    def spy(**kwargs):
        html = real(**kwargs)
        rendered.append((kwargs["value"]["xblock_type"], html))
        return html

    monkeypatch.setattr(render, "exercise_render", spy)
    with caplog.at_level(logging.INFO), CaptureQueriesContext(connection) as queries:
        warmup.warm_up()
    assert len(queries) == 0
    assert [t for t, _html in rendered] == list(allowed_types())
    for block_type, html in rendered:
        # A real student view, not the "not available" notice (the OLX is valid).
        assert "exercise--unavailable" not in html, block_type
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert any("Warm-up done" in r.getMessage() for r in caplog.records)
    assert _keep_the_test_processs_collector == [1]  # and the collector is tuned last


def test_warm_up_never_stops_a_worker(monkeypatch, caplog, _keep_the_test_processs_collector):
    def broken():
        raise RuntimeError("template storage unreachable")

    monkeypatch.setattr(warmup, "_templates", broken)
    with caplog.at_level(logging.ERROR):
        assert warmup.warm_up() >= 0
    assert "Warm-up failed" in caplog.text
    assert _keep_the_test_processs_collector == [1]  # a failed warm-up still tunes it


def test_the_wsgi_entry_point_warms_up(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(1) or 0.0)
    monkeypatch.delitem(sys.modules, "glans_site.wsgi", raising=False)
    importlib.import_module("glans_site.wsgi")
    assert calls == [1]


@pytest.fixture
def collector(monkeypatch):
    """The real gc module's thresholds, restored afterwards; collect and freeze recorded
    instead of run (freezing would keep the test process's objects for good)."""
    import gc

    before = gc.get_threshold()
    calls = []
    monkeypatch.setattr(gc, "collect", lambda *a: calls.append("collect") or 0)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    yield calls
    gc.set_threshold(*before)


def _real_tune_gc():
    return REAL_TUNE_GC  # the module's own, not the autouse fixture's stand-in


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (["50000", "10", "10"], (50000, 10, 10)),  # as the settings read the environment
        ("20000,5", (20000, 5)),
        ((1234,), (1234,)),
        (4321, (4321,)),
    ],
)
def test_the_collector_is_tuned_after_freezing_what_the_worker_loaded(collector, value, expected):
    import gc

    from django.test import override_settings

    with override_settings(GLANS_GC_THRESHOLDS=value):
        assert _real_tune_gc()() is True
    assert collector == ["collect", "freeze"]
    assert gc.get_threshold()[: len(expected)] == expected


@pytest.mark.parametrize("value", [None, "", "off", ["OFF"], [], False])
def test_off_leaves_the_collector_alone(collector, value):
    import gc

    from django.test import override_settings

    before = gc.get_threshold()
    with override_settings(GLANS_GC_THRESHOLDS=value):
        assert _real_tune_gc()() is False
    assert collector == []
    assert gc.get_threshold() == before


@pytest.mark.parametrize("value", ["veel", "0,10,10", "1,2,3,4", "100,-1", [1.5], object()])
def test_a_bad_setting_is_an_error_at_check_time_and_changes_nothing(collector, caplog, value):
    import gc

    from django.test import override_settings

    from glans_learning.core.checks import check_gc_thresholds

    before = gc.get_threshold()
    with override_settings(GLANS_GC_THRESHOLDS=value), caplog.at_level(logging.ERROR):
        assert [e.id for e in check_gc_thresholds()] == ["glans_core.E003"]
        assert _real_tune_gc()() is False
    assert collector == []
    assert gc.get_threshold() == before
    assert "GLANS_GC_THRESHOLDS" in caplog.text


def test_the_shipped_settings_tune_the_collector():
    from django.conf import settings

    assert warmup.gc_thresholds() == (50000, 10, 10)
    assert settings.GLANS_GC_THRESHOLDS == ["50000", "10", "10"]
