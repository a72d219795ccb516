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


@pytest.mark.django_db
def test_warm_up_renders_every_exercise_type_and_reads_nothing(caplog, monkeypatch):
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


def test_warm_up_never_stops_a_worker(monkeypatch, caplog):
    def broken():
        raise RuntimeError("template storage unreachable")

    monkeypatch.setattr(warmup, "_templates", broken)
    with caplog.at_level(logging.ERROR):
        assert warmup.warm_up() >= 0
    assert "Warm-up failed" in caplog.text


def test_the_wsgi_entry_point_warms_up(monkeypatch):
    calls = []
    monkeypatch.setattr(warmup, "warm_up", lambda: calls.append(1) or 0.0)
    monkeypatch.delitem(sys.modules, "glans_site.wsgi", raising=False)
    importlib.import_module("glans_site.wsgi")
    assert calls == [1]
