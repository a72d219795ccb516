"""Issue #8 "Trust", the courses side: each test fails on the code before the fix."""

import datetime
import io
from html import unescape

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from glans_learning.courses import services
from glans_learning.courses.models import (
    ActivityAttempt,
    ActivityResponse,
    Enrollment,
    ProgrammeCompletion,
    Session,
    SessionRegistration,
)
from glans_learning.organisations.models import Membership
from tests.courses.test_progress_support import (
    activity_ids,
    complete_module_g,
    lesson,
    make_session,
    register,
    set_block_values,
    set_max_attempts,
    set_page,
)
from tests.factories import person


def csrf_client(user, url, login=None):
    """A client that enforces CSRF, logged in (through `login(client, user)` when given, e.g.
    with a second factor for the admin), with the token of the form at `url`."""
    client = Client(enforce_csrf_checks=True)
    if login is not None:
        login(client, user)
    else:
        client.force_login(user)
    client.get(url)
    return client, client.cookies["csrftoken"].value


def flash(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- defect 3: attendance integrity ------------------------------------------------------


@pytest.fixture
def team_session(programme, zonnebloem):
    session = make_session(programme, unit=zonnebloem, starts_in=datetime.timedelta(hours=-1))
    session.kind = Session.Kind.TEAM
    session.save(update_fields=["kind"])
    return session


def test_nobody_records_their_own_attendance(director, team_session):
    register(director, team_session)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            by=director, session=team_session, user_id=director.pk, attendance="present"
        )
    assert "eigen aanwezigheid" in exc.value.messages[0]
    assert SessionRegistration.objects.get().attendance == "unknown"


def test_attendance_is_refused_before_the_session_starts(academy_trainer, learner, programme):
    future = make_session(programme, starts_in=datetime.timedelta(days=3))
    register(learner, future)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            by=academy_trainer, session=future, user_id=learner.pk, attendance="present"
        )
    assert exc.value.messages == [
        "Aanwezigheid registreren kan pas vanaf het begin van de bijeenkomst."
    ]
    assert SessionRegistration.objects.get().attendance == "unknown"


def test_attendance_window_after_the_session_is_data_on_the_programme(
    academy_trainer, learner, programme
):
    old = make_session(programme, starts_in=datetime.timedelta(days=-20))
    register(learner, old)
    with pytest.raises(ValidationError) as exc:
        services.attendance_record(
            by=academy_trainer, session=old, user_id=learner.pk, attendance="present"
        )
    assert "tot 14 dagen na de bijeenkomst" in exc.value.messages[0]
    set_page(programme, attendance_window_days=30)
    old.refresh_from_db()
    old = Session.objects.select_related("programme").get(pk=old.pk)
    services.attendance_record(
        by=academy_trainer, session=old, user_id=learner.pk, attendance="present"
    )
    assert SessionRegistration.objects.get().attendance == "present"


def test_front_end_attendance_for_a_future_session_changes_nothing(
    teacher, academy_trainer, programme
):
    future = make_session(programme, starts_in=datetime.timedelta(days=2))
    register(teacher, future)
    url = f"/leren/bijeenkomsten/{future.pk}/aanwezigheid/"
    client, token = csrf_client(academy_trainer, url)
    response = client.post(
        url, {"csrfmiddlewaretoken": token, f"attendance-{teacher.pk}": "present"}
    )
    assert response.status_code == 200
    assert "pas vanaf het begin" in unescape(response.content.decode())
    assert SessionRegistration.objects.get().attendance == "unknown"


def test_admin_registration_goes_through_the_service(
    academy_trainer, learner, programme, django_capture_on_commit_callbacks
):
    """The admin's registration form is no second write path: capacity, the confirmation mail
    and the attendance bookkeeping (recorded_by, completion) come from the service."""
    from glans_learning.courses.wagtail_hooks import SessionRegistrationViewSet

    session = make_session(programme, starts_in=datetime.timedelta(hours=-1))
    session.capacity = 1
    session.save(update_fields=["capacity"])
    form_class = SessionRegistrationViewSet("x").get_form_class()
    form = form_class(
        {"session": session.pk, "user": learner.pk, "attendance": "present"},
        for_user=academy_trainer,
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        registration = form.save()
    assert registration.attendance == "present"
    assert registration.recorded_by == academy_trainer and registration.recorded_at
    assert len(mail.outbox) == 1  # the confirmation, once
    # Full now: nobody else gets in through the admin either.
    other = person("nog.een", unit=None, roles=["learner"])
    form = form_class(
        {"session": session.pk, "user": other.pk, "attendance": "unknown"},
        for_user=academy_trainer,
    )
    with pytest.raises(ValidationError):
        assert form.is_valid()
        form.save()
    assert SessionRegistration.objects.filter(session=session).count() == 1


def test_admin_registration_form_follows_the_attendance_rules(director, team_session):
    from glans_learning.courses.wagtail_hooks import SessionRegistrationViewSet

    form_class = SessionRegistrationViewSet("x").get_form_class()
    form = form_class(
        {"session": team_session.pk, "user": director.pk, "attendance": "present"},
        for_user=director,
    )
    assert not form.is_valid()
    assert "Je kunt je eigen aanwezigheid niet registreren." in str(form.errors)
    assert not SessionRegistration.objects.exists()


def _plan(by, programme, unit, kind="team"):
    start = timezone.now() - datetime.timedelta(hours=1)
    return services.session_plan(
        by=by,
        session=Session(
            programme=programme,
            unit=unit,
            kind=kind,
            title="Teamsessie",
            starts_at=start,
            ends_at=start + datetime.timedelta(hours=1),
            location="Teamkamer",
        ),
    )


def test_sessions_a_team_lead_plans_count_only_where_the_programme_allows_it(
    programme, director, tdt_teacher, teacher, zonnebloem, academy_trainer
):
    """A TdT participant (team lead) who plans a session and has it attended does not
    complete the programme, unless the programme lets team sessions count."""
    set_page(programme, required_session_count=1)
    Enrollment.objects.create(
        user=teacher, programme=programme, school_year=_year(), unit=zonnebloem
    )
    own = _plan(tdt_teacher, programme, zonnebloem)
    assert (own.planned_by, own.is_official) == (tdt_teacher, False)
    register(teacher, own)
    services.attendance_record(by=director, session=own, user_id=teacher.pk, attendance="present")
    complete_module_g(teacher)
    assert not ProgrammeCompletion.objects.exists()

    programme = set_page(programme, team_sessions_count=True)
    counted = _plan(tdt_teacher, programme, zonnebloem)
    assert counted.is_official
    assert not _plan(tdt_teacher, programme, zonnebloem, kind="tdt").is_official
    assert _plan(academy_trainer, programme, None, kind="tdt").is_official
    register(teacher, counted)
    services.attendance_record(
        by=director, session=counted, user_id=teacher.pk, attendance="present"
    )
    assert ProgrammeCompletion.objects.filter(user=teacher).exists()


def _year():
    from glans_learning.organisations.models import SchoolYear

    return SchoolYear.current()


def test_admin_session_form_records_the_planner(client, director, programme, zonnebloem):
    client.force_login(director)
    start = timezone.localtime() + datetime.timedelta(days=3)
    response = client.post(
        "/admin/glans_sessions/new/",
        {
            "programme": programme.pk,
            "unit": zonnebloem.pk,
            "kind": "team",
            "title": "Teamsessie",
            "starts_at": start.strftime("%Y-%m-%d %H:%M"),
            "ends_at": (start + datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
            "location": "Teamkamer",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert (session.planned_by, session.is_official) == (director, False)


# --- defect 13: session titles and the confirmation mail -----------------------------------


def test_session_title_with_a_newline_is_a_validation_error(programme):
    session = make_session(programme)
    session.title = "Bijeenkomst\nBcc: iedereen@example.invalid"
    with pytest.raises(ValidationError) as exc:
        session.full_clean()
    assert "title" in exc.value.message_dict


def test_confirmation_mail_survives_a_title_with_a_newline(programme, teacher):
    from glans_learning.courses.tasks import send_session_confirmation

    session = make_session(programme, starts_in=datetime.timedelta(days=2))
    Session.objects.filter(pk=session.pk).update(title="Eerste\r\nbijeenkomst")
    registration = register(teacher, session)
    assert send_session_confirmation(registration.pk) is True
    [message] = mail.outbox
    assert "\n" not in message.subject and "\r" not in message.subject
    assert "Eerste bijeenkomst" in message.subject


# --- defect 13: the admin "new enrolment" view ---------------------------------------------


def test_admin_new_enrolment_goes_through_the_service(
    verified_login, admin_user, teacher, programme, zonnebloem
):
    year = _year()
    url = "/admin/glans_enrollments/new/"
    client, token = csrf_client(admin_user, url, verified_login)
    data = {
        "csrfmiddlewaretoken": token,
        "user": teacher.pk,
        "programme": programme.pk,
        "unit": zonnebloem.pk,
        "school_year": year.pk,
    }
    first = client.post(url, data)
    assert first.status_code == 302, first.context["form"].errors
    assert client.post(url, data).status_code == 302  # again: the same enrolment, no 500
    assert Enrollment.objects.filter(user=teacher).count() == 1
    empty = client.post(url, {"csrfmiddlewaretoken": token})
    assert empty.status_code == 200
    assert Enrollment.objects.count() == 1


def test_admin_new_enrolment_of_someone_outside_the_unit_is_a_form_error(
    verified_login, admin_user, other_teacher, programme, zonnebloem
):
    url = "/admin/glans_enrollments/new/"
    client, token = csrf_client(admin_user, url, verified_login)
    response = client.post(
        url,
        {
            "csrfmiddlewaretoken": token,
            "user": other_teacher.pk,
            "programme": programme.pk,
            "unit": zonnebloem.pk,
            "school_year": _year().pk,
        },
    )
    assert response.status_code == 200
    assert "hoort niet bij De Zonnebloem" in unescape(response.content.decode())
    assert not Enrollment.objects.exists()


# --- defect 8: knowledge checks --------------------------------------------------------------


def _check(lesson_page):
    block_id = activity_ids(lesson_page)["knowledge_check"][0]
    options = list(lesson_page.get_activity(block_id).value["options"])
    right = next(i for i, o in enumerate(options) if o["is_correct"])
    wrong = next(i for i, o in enumerate(options) if not o["is_correct"])
    return block_id, right, wrong


def test_first_attempt_counts_by_default(learner, programme):
    first = lesson("eerste-les")
    block_id, right, wrong = _check(first)
    services.activity_submit(user=learner, lesson=first, block_id=block_id, choice=wrong)
    with pytest.raises(ValidationError):
        services.activity_submit(user=learner, lesson=first, block_id=block_id, choice=right)
    response = ActivityResponse.objects.get(user=learner, block_id=block_id)
    assert (response.choice, response.is_correct, float(response.score)) == (wrong, False, 0)
    assert response.attempts == 1
    assert ActivityAttempt.objects.filter(user=learner, block_id=block_id).count() == 1


def test_more_attempts_feedback_only_after_the_last_and_every_attempt_recorded(
    client, learner, programme
):
    first = set_max_attempts(lesson("eerste-les"), 2)
    block_id, right, wrong = _check(first)
    client.force_login(learner)
    url = f"/leren/activiteit/{first.pk}/{block_id}/"
    client.post(url, {"choice": str(wrong)})
    html = unescape(client.get(first.url).content.decode())
    assert "Helaas." not in html  # no per-answer feedback while attempts remain
    assert "Nog niet juist. Je hebt nog 1 poging." in html
    client.post(url, {"choice": str(wrong)})
    html = unescape(client.get(first.url).content.decode())
    assert "Helaas." in html
    assert "Je pogingen voor deze kennischeck zijn op" in html
    client.post(url, {"choice": str(right)})  # refused
    attempts = list(
        ActivityAttempt.objects.filter(user=learner, block_id=block_id).values_list(
            "number", "choice", "is_correct"
        )
    )
    assert attempts == [(1, wrong, False), (2, wrong, False)]
    assert ActivityResponse.objects.get(user=learner, block_id=block_id).score == 0


def test_api_gives_feedback_only_when_the_attempts_are_over(client, learner, programme):
    first = set_max_attempts(lesson("eerste-les"), 3)
    block_id, right, wrong = _check(first)
    client.force_login(learner)
    url = f"/api/v1/lessons/{first.pk}/activities/{block_id}"
    data = client.post(url, {"choice": wrong}, content_type="application/json").json()
    assert (data["is_correct"], data["feedback"], data["attempts_left"]) == (False, None, 2)
    data = client.post(url, {"choice": right}, content_type="application/json").json()
    assert (data["is_correct"], data["feedback"], data["attempts_left"]) == (True, "Goed zo.", 0)
    again = client.post(url, {"choice": wrong}, content_type="application/json")
    assert again.status_code == 409
    assert ActivityResponse.objects.get(user=learner, block_id=block_id).is_correct is True


def test_options_are_shuffled_per_learner_and_stable(programme, zonnebloem):
    from glans_learning.content.blocks import shuffled_options

    options = ["a", "b", "c", "d", "e", "f"]
    orders = {
        tuple(i for i, _o in shuffled_options(options, seed=f"{user_id}:blok"))
        for user_id in range(20)
    }
    assert len(orders) > 1
    assert shuffled_options(options, seed="7:blok") == shuffled_options(options, seed="7:blok")


def test_lesson_page_shows_options_in_the_learners_order(client, programme, zonnebloem):
    first = lesson("eerste-les")
    block_id = activity_ids(first)["knowledge_check"][0]
    seen = set()
    for n in range(8):
        user = person(f"volgorde{n}", unit=zonnebloem)
        client.force_login(user)
        html = client.get(first.url).content.decode()
        order = (html.index(">Deze</label>") < html.index(">Die</label>"),)
        again = client.get(first.url).content.decode()
        assert (again.index(">Deze</label>") < again.index(">Die</label>"),) == order
        seen.add(order)
        assert f'id="o-{block_id}-' in html
    assert len(seen) == 2  # different learners, different orders


# --- defect 9: enrolment and minimum length ------------------------------------------------


def test_answers_for_a_programme_the_learner_is_not_enrolled_in_are_refused(
    client, teacher, programme
):
    first = lesson("eerste-les")
    block_id = activity_ids(first)["reflection"][0]
    client.force_login(teacher)
    api = client.post(
        f"/api/v1/lessons/{first.pk}/activities/{block_id}",
        {"answer": "Een antwoord dat lang genoeg is."},
        content_type="application/json",
    )
    assert api.status_code == 409
    assert "Schrijf je eerst in" in api.json()["detail"] + str(api.json().get("errors"))
    response = client.post(
        f"/leren/activiteit/{first.pk}/{block_id}/", {"answer": "Een antwoord dat lang genoeg is."}
    )
    assert "Schrijf je eerst in voor dit programma." in flash(response)
    assert not ActivityResponse.objects.exists()


def test_a_reflection_needs_the_minimum_length_of_its_block(client, learner, programme):
    first = lesson("eerste-les")
    block_id = activity_ids(first)["reflection"][0]
    client.force_login(learner)
    url = f"/leren/activiteit/{first.pk}/{block_id}/"
    response = client.post(url, {"answer": "."})
    assert flash(response) == ["Je antwoord is te kort: schrijf minstens 20 tekens (nu 1)."]
    assert not ActivityResponse.objects.exists()
    first = set_block_values(first, "reflection", min_length=5)
    client.post(url, {"answer": "Hallo"})
    assert ActivityResponse.objects.get().answer_text == "Hallo"


# --- defects 5 and 6: the staff-list upload ----------------------------------------------------


def _upload(lines):
    text = "\n".join(",".join(cells) for cells in lines) + "\n"
    return SimpleUploadedFile("personeel.csv", text.encode(), content_type="text/csv")


def _post(client, unit, programme, upload):
    return client.post(
        f"/leren/team/{unit.pk}/inschrijven/", {"programme": programme.pk, "staff_file": upload}
    )


def _counts():
    from django.contrib.auth import get_user_model

    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        Enrollment.objects.count(),
    )


def test_tdt_participant_cannot_create_accounts_but_enrols_team_members(
    client, tdt_teacher, teacher, zonnebloem, programme
):
    client.force_login(tdt_teacher)
    before = _counts()
    response = _post(
        client, zonnebloem, programme, _upload([("e-mail",), ("nieuw@example.invalid",)])
    )
    assert response.status_code == 200
    assert [(p.line, p.field) for p in response.context["problems"]] == [(2, "e-mail")]
    assert _counts() == before
    response = _post(client, zonnebloem, programme, _upload([("e-mail",), (teacher.email,)]))
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=teacher, programme=programme).exists()


def test_tdt_participant_gets_the_same_answer_for_unknown_and_foreign_addresses(
    client, tdt_teacher, other_teacher, zonnebloem, programme
):
    client.force_login(tdt_teacher)
    unknown = _post(
        client, zonnebloem, programme, _upload([("e-mail",), ("niemand@example.invalid",)])
    )
    foreign = _post(client, zonnebloem, programme, _upload([("e-mail",), (other_teacher.email,)]))
    assert [p.message for p in unknown.context["problems"]] == [
        p.message for p in foreign.context["problems"]
    ]


def test_director_gets_the_same_answer_for_unknown_and_foreign_addresses(
    client, director, other_teacher, zonnebloem, programme
):
    client.force_login(director)
    unknown = _post(
        client, zonnebloem, programme, _upload([("e-mail",), ("niemand@example.invalid",)])
    )
    second = Client()
    second.force_login(director)
    foreign = _post(second, zonnebloem, programme, _upload([("e-mail",), (other_teacher.email,)]))
    assert unknown.status_code == foreign.status_code == 302
    assert flash(unknown) == flash(foreign)
    assert flash(unknown)[0] == "1 persoon ingeschreven, van wie 1 nieuw in het team."


# --- defect 13: malformed uploads ---------------------------------------------------------------


def test_csv_field_over_the_csv_module_limit_is_a_clear_error(
    client, director, zonnebloem, programme
):
    import csv

    client.force_login(director)
    before = _counts()
    big = "x" * (csv.field_size_limit() + 10)
    upload = SimpleUploadedFile("personeel.csv", f'e-mail\n"{big}"\n'.encode())
    response = _post(client, zonnebloem, programme, upload)
    assert response.status_code == 200
    assert "Het CSV-bestand kan niet worden gelezen" in unescape(response.content.decode())
    assert _counts() == before


def _xlsx_without_sheets() -> bytes:
    import zipfile

    from openpyxl import Workbook

    buffer = io.BytesIO()
    Workbook().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/workbook.xml":
                text = data.decode()
                start, end = text.index("<sheets>"), text.index("</sheets>") + len("</sheets>")
                data = (text[:start] + "<sheets/>" + text[end:]).encode()
            if info.filename.startswith("xl/worksheets/"):
                continue
            target.writestr(info, data)
    return out.getvalue()


def test_xlsx_without_sheets_is_a_clear_error(client, director, zonnebloem, programme):
    client.force_login(director)
    before = _counts()
    upload = SimpleUploadedFile("personeel.xlsx", _xlsx_without_sheets())
    response = _post(client, zonnebloem, programme, upload)
    assert response.status_code == 200
    html = unescape(response.content.decode())
    assert "Het XLSX-bestand bevat geen werkblad." in html or "kan niet worden gelezen" in html
    assert _counts() == before


def test_long_xlsx_is_streamed_and_reading_stops_at_the_row_limit(
    client, director, zonnebloem, programme, monkeypatch
):
    from openpyxl import Workbook
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    from glans_learning.courses import staff_import

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["e-mail"])
    for n in range(20_000):
        sheet.append([f"p{n}@x.nl"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    read = {"rows": 0}
    original = ReadOnlyWorksheet._cells_by_row

    def counting(self, *args, **kwargs):
        for row in original(self, *args, **kwargs):
            read["rows"] += 1
            yield row

    monkeypatch.setattr(ReadOnlyWorksheet, "_cells_by_row", counting)
    client.force_login(director)
    before = _counts()
    upload = SimpleUploadedFile("personeel.xlsx", buffer.getvalue())
    response = _post(client, zonnebloem, programme, upload)
    assert response.status_code == 200
    assert "Te veel regels: maximaal 1000 personen per bestand." in unescape(
        response.content.decode()
    )
    assert read["rows"] <= staff_import.MAX_ROWS + 2
    assert _counts() == before


# --- defects 13 and 14: search -------------------------------------------------------------------


@pytest.mark.parametrize("query", ['"', "\x00", 'a "b', "AND OR NOT", "(", "*"])
def test_search_with_odd_queries_is_no_server_error(client, loaded_fixture, query):
    response = client.get("/leren/zoeken/", {"q": query})
    assert response.status_code == 200
    assert client.get("/leren/zoeken/?q=%ED%A0%80%00%22").status_code == 200


def test_anonymous_search_lists_no_login_only_lessons(client, loaded_fixture):
    html = client.get("/leren/zoeken/?q=peutergroep").content.decode()
    assert "Eerste les" not in html


def test_text_only_in_trainer_notes_does_not_make_a_lesson_findable(
    client, teacher, loaded_fixture
):
    client.force_login(teacher)
    html = client.get("/leren/zoeken/?q=trainerstekst").content.decode()
    assert "Eerste les" not in html
    assert "Eerste les" in client.get("/leren/zoeken/?q=peutergroep").content.decode()


# --- defect 4: the team export uses the one export helper --------------------------------------


def test_team_export_neutralises_formulas(client, director, teacher, zonnebloem, programme):
    import csv

    from openpyxl import load_workbook

    teacher.first_name = '=HYPERLINK("http://evil.example","klik")'
    teacher.last_name = ""
    teacher.save()
    services.enrol(user=teacher, programme=programme, by=director, unit=zonnebloem)
    client.force_login(director)
    base = f"/leren/team/?unit={zonnebloem.pk}&programme={programme.pk}&export="
    rows = list(
        csv.reader(io.StringIO(client.get(base + "csv").content.decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][0] == "'" + teacher.first_name
    sheet = load_workbook(io.BytesIO(client.get(base + "xlsx").content)).active
    cell = sheet.cell(row=2, column=1)
    assert cell.data_type == "s" and cell.value == "'" + teacher.first_name
