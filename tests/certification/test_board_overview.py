"""The board's certification overview reads all its schools at once (certification/board.py,
issue #30); each bulk figure must equal the per-school read it replaces (selectors.py), on
schools in every state: certified, suspended, revoked, expired, applied, not yet, preparing
(a draft whose latest revision differs from the saved rows) and not begun."""

import datetime
import json

from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.utils import timezone
from ninja.responses import NinjaJSONEncoder

from glans_learning.certification import api, board, selectors, services
from glans_learning.certification.models import Application, Certificate, Status
from glans_learning.courses.models import Enrollment, ProgrammeCompletion, SessionRegistration
from glans_learning.measurement.models import ImplementationYear
from glans_learning.organisations.services import membership_grant
from tests.builders import build_programme
from tests.certification.conftest import TEXT, certified_world
from tests.certification.test_year_report import rated_school
from tests.factories import SessionFactory, UnitFactory, person


def _school(board_, name, year, *, status=None, certificate=None):
    """A school with a draft handbook and, optionally, an application and a certificate."""
    unit = UnitFactory(board=board_, name=name)
    head = person(f"directeur.{name.lower()}", unit=unit, roles=["director"])
    handbook = services.handbook_start(unit=unit, school_year=year, user=head)
    if status is not None:
        app = Application.objects.create(
            unit=unit,
            school_year=year,
            criterion_set=handbook.criterion_set,
            handbook=handbook,
            submitted_by=head,
            status=status,
        )
        if certificate is not None:
            Certificate.objects.create(unit=unit, application=app, **certificate)
    return unit, head, handbook


def _world(tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher):
    certified_world(zonnebloem, regenboog, year, director, other_director, auditor)
    board_ = zonnebloem.board
    now, today = timezone.now(), timezone.localdate()
    days = datetime.timedelta
    # A draft whose latest revision holds text that the saved rows lack.
    unit, head, handbook = _school(board_, "Concept", year, status=Status.SUBMITTED)
    latest = selectors.handbook_latest(handbook)
    for section in list(latest.sections.all())[:4]:
        section.body = TEXT
    latest.save_revision(user=head)
    _school(board_, "Nogniet", year, status=Status.NOT_YET)
    _school(
        board_,
        "Ingetrokken",
        year,
        status=Status.CERTIFIED,
        certificate={"valid_until": today + days(300), "revoked_at": now},
    )
    _school(
        board_,
        "Verlopen",
        year,
        status=Status.CERTIFIED,
        certificate={"valid_until": today - days(1), "issued_at": now - days(700)},
    )
    _school(
        board_,
        "Geschorst",
        year,
        status=Status.CERTIFIED,
        certificate={"valid_until": today + days(400), "issued_at": now - days(500)},
    )
    UnitFactory(board=board_, name="Leeg")
    UnitFactory(name="Ander bestuur")
    # Measurement: 5 of 6 glanst at De Zonnebloem, against the target of its second year.
    rated_school(zonnebloem, year, teacher, 6)
    ImplementationYear.objects.create(unit=zonnebloem, school_year=year, number=2)
    # Workshop, TdT and Expertgroep at two schools; one TdT participant at both.
    workshop = build_programme(tmp_path, slug="workshop", modules=1, lessons_per_module=1)
    both = person("tdt.beide", unit=zonnebloem, roles=["tdt_participant"])
    membership_grant(user=both, unit=regenboog, role_codes=["tdt_participant"])
    people = [both] + [
        person(f"collega-{i}", unit=(zonnebloem, regenboog)[i % 2], roles=["tdt_participant"])
        for i in range(5)
    ]
    for i, user in enumerate(people):
        unit = regenboog if i % 2 else zonnebloem
        Enrollment.objects.create(user=user, programme=workshop, school_year=year, unit=unit)
        if i % 4 == 0:  # done: two at De Zonnebloem, none at De Regenboog
            ProgrammeCompletion.objects.create(user=user, programme=workshop, completed_at=now)
    meeting = SessionFactory(
        programme=workshop, kind="tdt", school_year=year, starts_at=now - days(3), unit=None
    )
    for user, attendance in zip(
        people, ["present", "made_up", "absent", "unknown", "absent", "absent"], strict=True
    ):
        SessionRegistration.objects.create(session=meeting, user=user, attendance=attendance)
    for i in range(3):
        person(f"expert-{i}", unit=zonnebloem, roles=["school_expertgroep"])
    membership_grant(user=director, unit=zonnebloem, role_codes=["school_expertgroep"])
    person("expert.regenboog", unit=regenboog, roles=["school_expertgroep"])


def _plain(rows):
    return [(row["criterion"].pk, row["met"], str(row["evidence"]), row["figures"]) for row in rows]


def test_bulk_figures_equal_the_per_school_figures(
    tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher
):
    _world(tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher)
    units = list(zonnebloem.board.units.filter(is_active=True).order_by("name"))
    assert len(units) == 8
    bulk = board.prechecks_by_unit(units=units, school_year=year)
    states = board.states_by_unit(unit_ids=[u.pk for u in units])
    for unit in units:
        assert _plain(bulk[unit.pk]) == _plain(selectors.prechecks(unit=unit)), unit.name
        assert states[unit.pk] == (
            selectors.status_label(unit=unit),
            selectors.current_certificate(unit=unit),
        ), unit.name
    # The data is varied: every state, figures that differ between schools, a draft whose
    # revision's sections count and schools with nothing yet.
    assert {s for s, _c in states.values()} == {
        "certified",
        "suspended",
        "revoked",
        "expired",
        "applied",
        "not_yet",
        "preparing",
        "none",
    }
    figures = {
        code: {
            unit.name: row["figures"]
            for unit in units
            for row in bulk[unit.pk]
            if row["criterion"].code == code
        }
        for code in ("S2", "R1", "R2", "O1")
    }
    assert figures["S2"]["De Zonnebloem"]["share_positive"] == 83
    assert figures["R1"]["De Zonnebloem"] != figures["R1"]["De Regenboog"]
    assert figures["R2"]["De Zonnebloem"] != figures["R2"]["De Regenboog"]
    assert figures["O1"]["De Zonnebloem"] == {"members": 4, "director": True}
    met = {unit.name: sum(row["met"] for row in bulk[unit.pk]) for unit in units}
    assert met["Concept"] == 4 and met["Nogniet"] == 0
    assert met["De Zonnebloem"] > met["De Regenboog"]


def test_board_overview_shows_what_the_per_school_reads_give(
    tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher
):
    """Row for row what the overview showed when it read each school on its own."""
    _world(tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher)
    expected = []
    for unit in zonnebloem.board.units.filter(is_active=True).order_by("name"):
        checks = selectors.prechecks(unit=unit)
        status = selectors.status_label(unit=unit)
        expected.append(
            {
                "unit": unit,
                "status": status,
                "status_label": selectors.STATUS_LABELS[status],
                "met": sum(1 for row in checks if row["met"]),
                "total": len(checks),
                "certificate": selectors.current_certificate(unit=unit),
            }
        )
    assert board.board_overview(board=zonnebloem.board) == expected
    assert [row["total"] for row in expected] == [10] * 8


def test_board_certification_api_answers_as_the_per_school_reads(
    client, tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher
):
    """/api/v1/boards/{id}/certification reads all schools at once; its JSON is, byte for
    byte after parsing, what it gave when it read each school on its own (api's per-school
    _certification_out, which the school's own endpoint still uses)."""
    _world(tmp_path, zonnebloem, regenboog, year, director, other_director, auditor, teacher)
    board_ = zonnebloem.board
    client.force_login(person("bestuur.api", unit=regenboog, roles=["board_expertgroep"]))
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    expected = {
        "board": board_.pk,
        "name": board_.name,
        "units": [
            json.loads(
                json.dumps(api._certification_out(request, unit).model_dump(), cls=NinjaJSONEncoder)
            )
            for unit in board_.units.filter(is_active=True).order_by("name")
        ],
    }
    body = client.get(f"/api/v1/boards/{board_.pk}/certification").json()
    assert body == expected
    # Varied: every state, with and without application and certificate, draft pre-checks.
    assert len(body["units"]) == 8
    assert {row["status"] for row in body["units"]} == {
        "certified",
        "suspended",
        "revoked",
        "expired",
        "applied",
        "not_yet",
        "preparing",
        "none",
    }
    assert {row["certificate"]["state"] for row in body["units"] if row["certificate"]} >= {
        "valid",
        "suspended",
    }
    assert 0 < sum(row["application"] is None for row in body["units"]) < 8
    assert len({str(row["prechecks"]) for row in body["units"]}) >= 5
