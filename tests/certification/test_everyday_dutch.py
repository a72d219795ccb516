"""Issue #25, Dutch everywhere: the dossier shows its moments as Dutch dates in local time (no
raw ISO strings), and counts use plural forms."""

from django.template.loader import render_to_string
from django.utils import translation

from glans_learning.core.templatetags.glans_core_tags import moment


def test_dossier_pdf_shows_dutch_local_dates_not_iso_strings():
    dossier = {
        "unit": {"name": "De Zonnebloem"},
        "school_year": "2026-2027",
        "criterion_set": "2026",
        "frozen_at": "2026-12-05T21:28:49.675400+00:00",
        "handbook": {"revision_id": 7, "sections": []},
        "measurement": {
            "moments": [{"date": "2026-11-02", "share_positive": 80, "rated": 10}],
            "target": 80,
        },
        "workshop": {},
        "tdt": {},
        "expertgroep": {},
        "prechecks": [],
    }
    with translation.override("nl"):
        html = render_to_string("glans_certification/dossier_pdf.html", {"dossier": dossier})
    assert "2026-12-05T21:28" not in html and "+00:00" not in html
    assert "5 december 2026 22:28" in html  # Amsterdam: an hour later than UTC in winter
    assert "2 november 2026:" in html


def test_moment_filter_leaves_other_text_alone():
    with translation.override("nl"):
        assert moment("geen datum") == "geen datum"
        assert moment(None) == ""
        assert moment("2026-07-01T10:00:00+00:00") == "1 juli 2026 12:00"


def test_expertgroep_evidence_uses_the_singular_for_one_member(monkeypatch):
    from types import SimpleNamespace

    from glans_learning.certification import selectors
    from glans_learning.certification.models import EvidenceType

    monkeypatch.setattr(
        selectors, "expertgroep_figures", lambda **_kw: {"members": 1, "director": True}
    )
    criterion = SimpleNamespace(evidence_type=EvidenceType.EXPERTGROEP, threshold=3)
    with translation.override("nl"):
        evidence = selectors.criterion_evidence(criterion, unit=None, school_year=None)
    assert "telt 1 lid " in evidence["evidence"]
    assert "1 leden" not in evidence["evidence"]
