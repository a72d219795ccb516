"""Issue #25: dates in user-facing text read one way, in Dutch ("5 december 2026"), not ISO
("2026-12-05") or "05-12-2026"."""

import datetime
from types import SimpleNamespace

from django.utils import translation

from glans_learning.certification import selectors


def test_measurement_evidence_names_the_moment_in_dutch(monkeypatch):
    moment = SimpleNamespace(date=datetime.date(2026, 12, 5))
    monkeypatch.setattr(
        selectors,
        "unit_measurements",
        lambda **kw: {
            "moments": [{"moment": moment, "rated": 4, "share_positive": 75, "relationships": 4}],
            "target": 70,
        },
    )
    with translation.override("nl"):
        result = selectors._measurement_evidence(SimpleNamespace(threshold=None), None, None)
    assert "5 december 2026" in result["evidence"]
    assert "2026-12-05" not in result["evidence"]
    assert result["met"] is True
