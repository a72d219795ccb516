"""The audit through the screens, the school's view of it, permissions and the API."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from glans_learning.certification import services
from glans_learning.certification.models import Certificate, Status
from glans_learning.measurement.models import Family
from tests.factories import person


def csrf_client(user, verified_login=None, *, warm_url):
    client = Client(enforce_csrf_checks=True)
    if verified_login is not None:
        verified_login(client, user)
    else:
        client.force_login(user)
    assert client.get(warm_url).status_code == 200
    return client


def post(client, url, data):
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_auditor_walks_the_audit_and_school_sees_the_outcome(
    application, auditor, director, verified_login
):
    app_url = reverse("glans_certification:application", args=[application.pk])
    step_url = reverse("glans_certification:step", args=[application.pk])
    client = csrf_client(auditor, verified_login, warm_url=app_url)
    worklist = client.get(reverse("glans_certification:worklist")).content.decode()
    assert "De Zonnebloem" in worklist
    assert post(client, step_url, {"step": "intake", "complete": "yes"}).status_code == 302
    review = {"step": "review_all"}
    for criterion in application.criterion_set.criteria.all():
        review[f"verdict-{criterion.pk}"] = "met"
        review[f"remarks-{criterion.pk}"] = "Herkenbaar in de school."
    assert post(client, step_url, review).status_code == 302
    application.refresh_from_db()
    assert application.status == Status.CONVERSATION
    at = (timezone.localtime() + datetime.timedelta(days=10)).strftime("%Y-%m-%dT%H:%M")
    post(
        client,
        step_url,
        {
            "step": "plan",
            "at": at,
            "place": "Teamkamer",
            "participants": "Expertgroep en directeur",
            "agenda": "Wat ging goed, wat pakken we op",
        },
    )
    # The school sees the planning and the agenda in advance.
    school = csrf_client(director, warm_url=app_url)
    page = school.get(app_url).content.decode()
    assert "Wat ging goed, wat pakken we op" in page
    assert "Intake vastleggen" not in page and "Besluit vastleggen" not in page
    # A school never takes an audit step itself.
    assert (
        post(school, step_url, {"step": "report", "successes": "x", "next_steps": "y"}).status_code
        == 404
    )
    report = {
        "step": "report",
        "successes": "Elke ouder is bekend bij naam en wens.",
        "development": "De overdracht naar groep 3.",
        "cooperation": "Bij vrijwel alle gezinnen.",
        "next_steps": "Intervisie elke twee maanden.",
    }
    # The report waits for the conversation's day.
    post(client, step_url, report)
    application.refresh_from_db()
    assert application.status == Status.CONVERSATION and not application.report_successes
    type(application).objects.filter(pk=application.pk).update(
        conversation_at=timezone.now() - datetime.timedelta(hours=2)
    )
    post(
        client,
        step_url,
        {
            "step": "report",
            "successes": "Elke ouder is bekend bij naam en wens.",
            "development": "De overdracht naar groep 3.",
            "cooperation": "Bij vrijwel alle gezinnen.",
            "next_steps": "Intervisie elke twee maanden.",
        },
    )
    post(client, step_url, {"step": "decide", "outcome": "certified", "valid_until": "2099-07-31"})
    application.refresh_from_db()
    assert application.status == Status.CERTIFIED
    cert = Certificate.objects.get(application=application)
    assert cert.valid_until == datetime.date(2099, 7, 31)
    page = school.get(app_url).content.decode()
    assert "Elke ouder is bekend bij naam en wens." in page
    cert_page = school.get(reverse("glans_certification:certificate", args=[cert.pk]))
    assert cert.code in cert_page.content.decode()
    # Opt in to the public register; the verification page answers for anyone.
    post(
        school,
        reverse("glans_certification:certificate_register", args=[cert.pk]),
        {"listed": "yes"},
    )
    anonymous = Client()
    register = anonymous.get(reverse("glans_certification:register")).content.decode()
    assert "De Zonnebloem" in register
    verify = anonymous.get(reverse("glans_certification:verify", args=[cert.code]))
    assert verify.status_code == 200 and "2099" in verify.content.decode()
    api = anonymous.get("/api/v1/certification/register").json()
    assert api[0]["unit"] == "De Zonnebloem"
    assert api[0]["verification_url"].endswith(f"/certificering/verifieer/{cert.code}/")


def test_bad_step_input_changes_nothing(application, auditor, verified_login):
    app_url = reverse("glans_certification:application", args=[application.pk])
    step_url = reverse("glans_certification:step", args=[application.pk])
    client = csrf_client(auditor, verified_login, warm_url=app_url)
    response = post(client, step_url, {"step": "review", "criterion": "abc", "verdict": "met"})
    assert response.status_code == 302
    response = post(client, step_url, {"step": "plan", "at": "geen datum"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    assert not application.reviews.exists()


def test_revocation_through_the_screen(application, auditor, verified_login):
    from .test_services import walk_to_decision

    walk_to_decision(application, auditor)
    services.application_decide(application=application, user=auditor, certified=True)
    cert = application.certificate
    url = reverse("glans_certification:certificate", args=[cert.pk])
    client = csrf_client(auditor, verified_login, warm_url=url)
    revoke = reverse("glans_certification:certificate_revoke", args=[cert.pk])
    post(client, revoke, {"reason": ""})
    cert.refresh_from_db()
    assert cert.revoked_at is None
    post(client, revoke, {"reason": "Het handboek is twee jaar niet versterkt."})
    cert.refresh_from_db()
    assert cert.revoked_at is not None
    page = Client().get(reverse("glans_certification:verify", args=[cert.code])).content.decode()
    assert "ingetrokken" in page


def test_other_school_sees_nothing_of_zonnebloem(application, handbook, other_director, regenboog):
    client = Client()
    client.force_login(other_director)
    urls = [
        reverse("glans_certification:unit", args=[application.unit_id]),
        reverse("glans_certification:application", args=[application.pk]),
        reverse("glans_certification:handbook_diff", args=[application.unit_id]),
        f"/api/v1/organisations/{application.unit_id}/certification",
        reverse("wagtailsnippets_glans_certification_handbook:edit", args=[handbook.pk]),
        reverse("wagtailsnippets_glans_certification_handbook:inspect", args=[handbook.pk]),
        reverse("wagtailsnippets_glans_certification_handbook:history", args=[handbook.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    listing = client.get(reverse("wagtailsnippets_glans_certification_handbook:list"))
    assert "De Zonnebloem" not in listing.content.decode()


def test_auditor_reads_but_never_edits_a_handbook(handbook, auditor, verified_login):
    client = Client()
    verified_login(client, auditor)
    inspect = client.get(
        reverse("wagtailsnippets_glans_certification_handbook:inspect", args=[handbook.pk])
    )
    assert inspect.status_code == 200
    edit = reverse("wagtailsnippets_glans_certification_handbook:edit", args=[handbook.pk])
    assert client.get(edit).status_code == 404
    assert client.post(edit, {"intro": "x"}).status_code == 404


@pytest.mark.parametrize("who", ["auditor", "board"])
def test_no_parent_data_for_auditors_and_board(
    who, handbook, director, year, auditor, zonnebloem, verified_login
):
    from glans_learning.measurement import services as measurement_services
    from glans_learning.measurement.models import MeasurementMoment, Rating, Relationship
    from tests.factories import GroupFactory

    group = GroupFactory(unit=zonnebloem, school_year=year)
    family = Family.objects.create(board=zonnebloem.board, unit=zonnebloem, code="GEZIN-7Q")
    relationship = Relationship.objects.create(
        unit=zonnebloem, school_year=year, group=group, family=family, label="Geheimnaam"
    )
    today = timezone.localdate()
    moment = MeasurementMoment.objects.create(
        unit=zonnebloem, school_year=year, date=today, opens_on=today, closes_on=today
    )
    Rating.objects.create(relationship=relationship, moment=moment, value="positive")
    # Written past the measurement services: count it as they would.
    measurement_services.tallies_refresh(unit_id=zonnebloem.pk, school_year_id=year.pk)
    application = services.application_submit(unit=zonnebloem, user=director, school_year=year)
    assert application.dossier["measurement"]["moments"][0]["share_positive"] == 100
    frozen = str(application.dossier)
    assert "GEZIN" not in frozen and "Geheimnaam" not in frozen
    user = (
        auditor
        if who == "auditor"
        else person("bestuur", unit=zonnebloem, roles=["board_expertgroep"])
    )
    client = Client()
    verified_login(client, user)
    responses = [
        client.get(reverse("glans_certification:application", args=[application.pk])),
        client.get(f"/api/v1/organisations/{zonnebloem.pk}/certification"),
    ]
    for response in responses:
        body = response.content.decode()
        assert "Geheimnaam" not in body and "GEZIN-7Q" not in body
    if who == "auditor":
        assert responses[0].status_code == 200


def test_api_criteria_and_unit_state(application, director, django_assert_max_num_queries):
    client = Client()
    client.force_login(director)
    criteria = client.get("/api/v1/certification/criteria").json()
    assert {c["code"] for c in criteria["criteria"]} >= {"G1", "S2", "O1"}
    with django_assert_max_num_queries(60):
        state = client.get(f"/api/v1/organisations/{application.unit_id}/certification").json()
    assert state["status"] == "applied"
    assert state["application"]["status"] == "submitted"
    assert state["certificate"] is None
    assert {p["criterion"] for p in state["prechecks"]} >= {"G1", "R1"}


def test_demo_certification(db, settings):
    import io

    from django.core.management import call_command
    from wagtail.models import Site

    from glans_learning.certification.models import Application, Handbook
    from glans_learning.organisations.models import OrganisationUnit

    settings.GLANS_ALLOW_DEMO_DATA = True
    try:
        call_command("seed_demo", stdout=io.StringIO())
        call_command("seed_demo", stdout=io.StringIO())  # idempotent
    finally:
        # The demo's site root is cached outside the database; the rollback would leave
        # later tests with page URLs of a site that no longer exists.
        Site.clear_site_root_paths_cache()
    regenboog = OrganisationUnit.objects.get(name="De Regenboog")
    cert = Certificate.objects.get(unit=regenboog)
    assert cert.in_register and cert.is_valid()
    zonnebloem = Application.objects.get(unit__name="De Zonnebloem")
    assert zonnebloem.status == Status.CONVERSATION and zonnebloem.conversation_at is None
    speelhuis = Handbook.objects.get(unit__name="Kinderopvang Het Speelhuis")
    assert not speelhuis.live
    assert Application.objects.count() == 2


def test_board_expertgroep_sees_each_school_in_totals(application, zonnebloem, regenboog):
    member = person("bestuur.eg", unit=regenboog, roles=["board_expertgroep"])
    client = Client()
    client.force_login(member)
    page = client.get(reverse("glans_certification:board", args=[zonnebloem.board_id]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "De Zonnebloem" in body and "aanvraag loopt" in body
    outsider = person("bestuur.elders", unit=None, roles=["learner"])
    client.force_login(outsider)
    assert (
        client.get(reverse("glans_certification:board", args=[zonnebloem.board_id])).status_code
        == 404
    )


def test_board_certification_api_gives_each_school_and_nothing_to_others(
    application, zonnebloem, regenboog, django_assert_max_num_queries
):
    member = person("bestuur.api", unit=regenboog, roles=["board_expertgroep"])
    client = Client()
    client.force_login(member)
    url = f"/api/v1/boards/{zonnebloem.board_id}/certification"
    body = client.get(url).json()
    by_unit = {row["unit"]: row for row in body["units"]}
    assert body["board"] == zonnebloem.board_id
    assert by_unit[zonnebloem.pk]["status"] == "applied"
    assert by_unit[zonnebloem.pk]["application"]["id"] == application.pk
    assert by_unit[zonnebloem.pk]["prechecks"]
    # Never parent data: no family code appears anywhere in the answer.
    text = client.get(url).content.decode()
    for code in Family.objects.values_list("code", flat=True):
        assert code not in text
    # A school's own director, a learner and an unknown or malformed board: 404.
    for outsider in (
        person("elders.leraar", unit=regenboog, roles=["teacher"]),
        person("elders.niemand", unit=None, roles=["learner"]),
    ):
        client.force_login(outsider)
        assert client.get(url).status_code == 404
    client.force_login(member)
    assert client.get("/api/v1/boards/999999/certification").status_code == 404
    assert client.get("/api/v1/boards/abc/certification").status_code == 404


def test_the_auditors_work_is_on_their_wagtail_dashboard(application, auditor, verified_login):
    client = Client()
    verified_login(client, auditor)
    home = client.get("/admin/")
    body = home.content.decode()
    assert home.status_code == 200
    assert 'id="glans-audit-worklist"' in body
    assert "De Zonnebloem" in body
    assert reverse("glans_certification:application", args=[application.pk]) in body
    # Once decided, the application leaves the panel.
    Application = type(application)
    Application.objects.filter(pk=application.pk).update(status=Status.CERTIFIED)
    assert "De Zonnebloem" not in client.get("/admin/").content.decode()


def test_the_log_names_no_school_staff_to_auditors(application, director, auditor, verified_login):
    """The application's log shows auditors the school's steps as "de school", never the
    name of the staff member who took them; the school itself sees its own names."""
    director.first_name, director.last_name = "Dirk", "Vermeulen"
    director.save()
    url = reverse("glans_certification:application", args=[application.pk])
    as_auditor = csrf_client(auditor, verified_login, warm_url=url)
    page = as_auditor.get(url).content.decode()
    assert "aanvraag ingediend" in page
    assert "Vermeulen" not in page and director.username not in page
    assert "· de school" in page
    as_director = csrf_client(director, warm_url=url)
    assert "Dirk Vermeulen" in as_director.get(url).content.decode()


@pytest.mark.parametrize("who", ["admin", "auditor"])
def test_readers_of_a_handbook_are_not_linked_to_its_editor(
    who, handbook, admin_user, auditor, director, verified_login
):
    """The platform admin and the auditor read a school's handbook (inspect) but never edit
    it: the read-only screen does not link them to the editor, which would answer 404. The
    school's director, who writes it, is linked."""
    edit = reverse("wagtailsnippets_glans_certification_handbook:edit", args=[handbook.pk])
    inspect = reverse("wagtailsnippets_glans_certification_handbook:inspect", args=[handbook.pk])
    reader = Client()
    verified_login(reader, admin_user if who == "admin" else auditor)
    page = reader.get(inspect)
    assert page.status_code == 200
    assert edit not in page.content.decode()
    assert reader.get(edit).status_code == 404
    writer = Client()
    writer.force_login(director)
    assert edit in writer.get(inspect).content.decode()
