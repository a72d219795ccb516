"""Enrolment: self-enrolment, a director enrolling their team, and the staff-list import."""

import io
from html import unescape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from glans_learning.courses import services
from glans_learning.courses.models import Enrollment
from glans_learning.organisations.models import Membership
from tests.courses.test_progress_support import proef, set_page
from tests.factories import UserFactory, log_in, person

User = get_user_model()


@pytest.fixture
def closed_programme(programme):
    return set_page(programme, self_enrolment=False)


def enrol_url(programme):
    return f"/leren/programma/{programme.pk}/inschrijven/"


def team_enrol_url(unit):
    return f"/leren/team/{unit.pk}/inschrijven/"


def flash(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- self-enrolment ----------------------------------------------------------------------


def test_learner_self_enrols_once_via_the_view(client, teacher, zonnebloem, programme, year):
    client.force_login(teacher)
    first = client.post(enrol_url(programme))
    second = client.post(enrol_url(programme))
    assert first.status_code == second.status_code == 302
    enrollment = Enrollment.objects.get(user=teacher, programme=programme)
    assert enrollment.school_year == year
    assert enrollment.unit == zonnebloem
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.enrolled_by == teacher
    assert "Je bent ingeschreven. Veel leerplezier!" in flash(first)


def test_self_enrolment_view_needs_post_and_login(client, teacher, programme):
    assert client.post(enrol_url(programme)).status_code == 302  # to the login page
    assert not Enrollment.objects.exists()
    client.force_login(teacher)
    assert client.get(enrol_url(programme)).status_code == 405
    assert not Enrollment.objects.exists()


def test_learner_self_enrols_once_via_the_api(client, teacher, programme, year):
    client.force_login(teacher)
    url = f"/api/v1/programmes/{programme.pk}/enrol"
    first = client.post(url)
    second = client.post(url)
    assert first.status_code == second.status_code == 200
    assert first.json() == {"programme_id": programme.pk, "school_year": "cur", "status": "active"}
    assert Enrollment.objects.filter(user=teacher, programme=programme).count() == 1


def test_self_enrolment_refused_when_programme_does_not_allow_it(client, teacher, closed_programme):
    client.force_login(teacher)
    response = client.post(enrol_url(closed_programme))
    assert response.status_code == 302
    assert "Voor dit programma schrijft je school je in." in flash(response)
    api = client.post(f"/api/v1/programmes/{closed_programme.pk}/enrol")
    assert api.status_code == 403
    with pytest.raises(PermissionDenied):
        services.enrol(user=teacher, programme=closed_programme, by=teacher)
    assert not Enrollment.objects.exists()


def test_self_enrolment_without_a_current_school_year_is_a_dutch_error(
    client, teacher, loaded_fixture
):
    client.force_login(teacher)
    response = client.post(enrol_url(proef()))
    assert any("geen actueel schooljaar" in m for m in flash(response))
    assert not Enrollment.objects.exists()


def test_withdrawn_enrolment_is_reactivated_not_duplicated(teacher, programme):
    enrollment = services.enrol(user=teacher, programme=programme, by=teacher)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.WITHDRAWN)
    again = services.enrol(user=teacher, programme=programme, by=teacher)
    assert again.pk == enrollment.pk
    assert again.status == Enrollment.Status.ACTIVE
    assert Enrollment.objects.count() == 1


def test_nobody_enrols_someone_else_without_a_unit(teacher, tdt_teacher, programme):
    with pytest.raises(PermissionDenied):
        services.enrol(user=tdt_teacher, programme=programme, by=teacher)
    assert not Enrollment.objects.exists()


# --- a director enrols their team ---------------------------------------------------------


def test_director_enrols_own_unit_members(director, teacher, tdt_teacher, zonnebloem, programme):
    programme = set_page(programme, self_enrolment=False)  # team enrolment needs no self-enrolment
    count = services.enrol_members(
        by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk, tdt_teacher.pk]
    )
    assert count == 2
    rows = Enrollment.objects.filter(programme=programme)
    assert {e.user for e in rows} == {teacher, tdt_teacher}
    assert all(e.unit == zonnebloem and e.enrolled_by == director for e in rows)
    # again: idempotent
    services.enrol_members(
        by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk, tdt_teacher.pk]
    )
    assert Enrollment.objects.count() == 2


def test_enrolling_someone_of_another_unit_enrols_nobody(
    director, teacher, other_teacher, zonnebloem, programme
):
    with pytest.raises(ValidationError):
        services.enrol_members(
            by=director,
            unit=zonnebloem,
            programme=programme,
            user_ids=[teacher.pk, other_teacher.pk],
        )
    assert not Enrollment.objects.exists()


def test_director_cannot_enrol_into_another_unit(director, other_teacher, regenboog, programme):
    with pytest.raises(PermissionDenied):
        services.enrol_members(
            by=director, unit=regenboog, programme=programme, user_ids=[other_teacher.pk]
        )
    assert not Enrollment.objects.exists()


def test_unknown_person_ids_enrol_nobody(director, teacher, zonnebloem, programme):
    with pytest.raises(ValidationError):
        services.enrol_members(
            by=director, unit=zonnebloem, programme=programme, user_ids=[teacher.pk, 987654]
        )
    assert not Enrollment.objects.exists()


def test_team_enrol_view_enrols_selected_members(
    client, director, teacher, tdt_teacher, zonnebloem, programme
):
    client.force_login(director)
    page = client.get(team_enrol_url(zonnebloem))
    assert page.status_code == 200
    assert teacher.get_full_name() in page.content.decode()
    response = client.post(
        team_enrol_url(zonnebloem),
        {"programme": programme.pk, "members": [str(teacher.pk), str(tdt_teacher.pk)]},
    )
    assert response.status_code == 302
    assert response["Location"] == f"/leren/team/?unit={zonnebloem.pk}&programme={programme.pk}"
    assert set(Enrollment.objects.values_list("user_id", flat=True)) == {
        teacher.pk,
        tdt_teacher.pk,
    }
    assert "2 teamleden ingeschreven." in flash(response)


def test_team_enrol_view_refuses_a_member_of_another_unit(
    client, director, teacher, other_teacher, zonnebloem, programme
):
    client.force_login(director)
    response = client.post(
        team_enrol_url(zonnebloem),
        {"programme": programme.pk, "members": [str(teacher.pk), str(other_teacher.pk)]},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["members"]
    assert not Enrollment.objects.exists()


def test_team_enrol_view_needs_members_or_a_file(client, director, zonnebloem, programme):
    client.force_login(director)
    response = client.post(team_enrol_url(zonnebloem), {"programme": programme.pk})
    assert response.status_code == 200
    assert "Kies teamleden of upload een personeelslijst." in response.content.decode()
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("who", ["other_director", "teacher", "auditor"])
def test_team_enrol_page_of_zonnebloem_is_404_for_outsiders(
    client, request, zonnebloem, teacher, programme, who
):
    log_in(client, request.getfixturevalue(who))
    assert client.get(team_enrol_url(zonnebloem)).status_code == 404
    response = client.post(
        team_enrol_url(zonnebloem), {"programme": programme.pk, "members": [str(teacher.pk)]}
    )
    assert response.status_code == 404
    assert not Enrollment.objects.exists()


@pytest.mark.parametrize("bad_id", ["abc", "0", "-3", "99999999"])
def test_team_enrol_with_malformed_unit_id_is_404(client, director, bad_id):
    client.force_login(director)
    assert client.get(f"/leren/team/{bad_id}/inschrijven/").status_code == 404


# --- staff import -------------------------------------------------------------------------


def csv_upload(lines, name="personeel.csv", delimiter=","):
    text = "\n".join(delimiter.join(cells) for cells in lines) + "\n"
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def xlsx_upload(lines, name="personeel.xlsx"):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for cells in lines:
        sheet.append(list(cells))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(
        name,
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


HEADER = ("e-mail", "voornaam", "achternaam")


def counts():
    return (User.objects.count(), Membership.objects.count(), Enrollment.objects.count())


def post_file(client, unit, programme, upload):
    return client.post(team_enrol_url(unit), {"programme": programme.pk, "staff_file": upload})


def problems(response):
    return [(p.line, p.field) for p in response.context["problems"]]


@pytest.mark.parametrize("make_upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
def test_valid_staff_list_creates_learners_and_enrols_everybody(
    client, director, teacher, zonnebloem, programme, make_upload
):
    client.force_login(director)
    upload = make_upload(
        [
            HEADER,
            (teacher.email, "", ""),  # an existing member
            ("anna.nieuw@example.invalid", "Anna", "Nieuw"),
            ("bram.nieuw@example.invalid", "Bram", "Nieuw"),
        ]
    )
    response = post_file(client, zonnebloem, programme, upload)
    assert response.status_code == 302
    assert "3 personen ingeschreven, van wie 2 nieuw in het team." in flash(response)
    anna = User.objects.get(email="anna.nieuw@example.invalid")
    bram = User.objects.get(email="bram.nieuw@example.invalid")
    assert (anna.first_name, anna.last_name) == ("Anna", "Nieuw")
    assert not anna.has_usable_password()
    for user in (anna, bram):
        membership = Membership.objects.get(user=user)
        assert membership.unit == zonnebloem
        assert set(membership.roles.values_list("code", flat=True)) == {"learner"}
    enrolled = set(Enrollment.objects.filter(programme=programme).values_list("user_id", flat=True))
    assert enrolled == {teacher.pk, anna.pk, bram.pk}
    assert Enrollment.objects.filter(unit=zonnebloem, enrolled_by=director).count() == 3
    # The new people (not the existing member) are invited to choose a password.
    from glans_learning.core.models import AccountInvitation

    invited = set(AccountInvitation.objects.values_list("user_id", "sent_by_id"))
    assert invited == {(anna.pk, director.pk), (bram.pk, director.pk)}


def test_existing_member_written_in_capitals_is_matched_not_duplicated(
    client, director, teacher, zonnebloem, programme
):
    """Addresses are compared case-insensitively: a member whose address is typed with
    capitals in the staff list is the same person, not a new one."""
    client.force_login(director)
    upload = csv_upload(
        [HEADER, (teacher.email.upper(), "", ""), ("Bram.Nieuw@Example.invalid", "Bram", "N")]
    )
    response = post_file(client, zonnebloem, programme, upload)
    assert response.status_code == 302
    assert "2 personen ingeschreven, van wie 1 nieuw in het team." in flash(response)
    assert User.objects.filter(email__iexact=teacher.email).count() == 1
    assert Enrollment.objects.filter(user=teacher, programme=programme).exists()
    # new people are stored with the normalised (lower-case) address
    assert User.objects.filter(email="bram.nieuw@example.invalid").exists()


def test_semicolon_separated_csv_with_english_headers_is_read(
    client, director, zonnebloem, programme
):
    client.force_login(director)
    upload = csv_upload(
        [("email", "first_name", "last_name"), ("cas@example.invalid", "Cas", "de Vries")],
        delimiter=";",
    )
    assert post_file(client, zonnebloem, programme, upload).status_code == 302
    cas = User.objects.get(email="cas@example.invalid")
    assert cas.last_name == "de Vries"
    assert Enrollment.objects.filter(user=cas).exists()


def test_reuploading_the_same_list_creates_no_duplicates(client, director, zonnebloem, programme):
    client.force_login(director)
    lines = [HEADER, ("anna@example.invalid", "Anna", "A"), ("bram@example.invalid", "Bram", "B")]
    assert post_file(client, zonnebloem, programme, csv_upload(lines)).status_code == 302
    before = counts()
    response = post_file(client, zonnebloem, programme, csv_upload(lines))
    assert response.status_code == 302
    assert "2 personen ingeschreven, van wie 0 nieuw in het team." in flash(response)
    assert counts() == before
    assert User.objects.filter(email="anna@example.invalid").count() == 1


@pytest.mark.parametrize("make_upload", [csv_upload, xlsx_upload], ids=["csv", "xlsx"])
@pytest.mark.parametrize(
    "bad_line, message",
    [
        (("geen-adres", "Kees", "K"), "'geen-adres' is geen geldig e-mailadres."),
        (("anna@example.invalid", "Anna", "Dubbel"), "Dit adres staat ook op regel 2."),
    ],
    ids=["invalid-email", "duplicate-email"],
)
def test_one_bad_line_imports_nothing_and_names_line_and_field(
    client, director, other_teacher, zonnebloem, programme, make_upload, bad_line, message
):
    client.force_login(director)
    before = counts()
    upload = make_upload(
        [HEADER, ("anna@example.invalid", "Anna", "A"), bad_line, ("bram@example.invalid", "B", "")]
    )
    response = post_file(client, zonnebloem, programme, upload)
    assert response.status_code == 200
    assert problems(response) == [(3, "e-mail")]
    html = unescape(response.content.decode())
    assert "Er is niets ingeschreven" in html
    assert "<td>3</td><td>e-mail</td>" in html
    assert message in html
    assert counts() == before
    assert not User.objects.filter(email__in=["anna@example.invalid", "bram@example.invalid"])


def test_every_bad_line_is_listed_in_file_order(client, director, zonnebloem, programme):
    client.force_login(director)
    upload = csv_upload(
        [
            HEADER,
            ("ok@example.invalid", "Ok", ""),
            ("fout", "", ""),
            ("ok@example.invalid", "", ""),
            ("lang@example.invalid", "x" * 151, ""),
        ]
    )
    response = post_file(client, zonnebloem, programme, upload)
    assert problems(response) == [(3, "e-mail"), (4, "e-mail"), (5, "voornaam")]
    assert not Enrollment.objects.exists()


def test_line_numbers_match_the_file_when_it_has_blank_lines(
    client, director, zonnebloem, programme
):
    """The director must find the line the error names: blank lines count as lines."""
    client.force_login(director)
    upload = SimpleUploadedFile(
        "personeel.csv",
        b"e-mail,voornaam,achternaam\n\nanna@example.invalid,Anna,A\nfout,Kees,K\n",
    )
    response = post_file(client, zonnebloem, programme, upload)
    assert not Enrollment.objects.exists()
    assert problems(response) == [(4, "e-mail")]


@pytest.mark.parametrize(
    "stored, in_file",
    [
        ("Piet.Regenboog@Example.invalid", "piet.regenboog@example.invalid"),
        ("piet.regenboog@example.invalid", "PIET.REGENBOOG@EXAMPLE.INVALID"),
    ],
    ids=["capitals-stored", "capitals-in-file"],
)
def test_existing_person_of_another_unit_is_matched_whatever_the_case_of_the_address(
    client, director, zonnebloem, regenboog, programme, stored, in_file
):
    """E-mail addresses are case-insensitive: a person of De Regenboog is never duplicated
    because of capitals in an address. A director who lists them only *invites* them to the
    team (they join by accepting, issue #23), with the same answer as for an unknown address
    (no enumeration, issue #8)."""
    UserFactory(username="piet", email=stored)
    piet = person("piet", unit=regenboog, roles=["learner"])
    client.force_login(director)
    upload = csv_upload([HEADER, (in_file, "Piet", "R")])
    response = post_file(client, zonnebloem, programme, upload)
    assert response.status_code == 302
    assert "1 persoon ingeschreven, van wie 1 nieuw in het team." in flash(response)
    assert User.objects.filter(email__iexact="piet.regenboog@example.invalid").count() == 1
    assert not Membership.objects.filter(user=piet, unit=zonnebloem).exists()
    assert not Enrollment.objects.filter(user=piet, unit=zonnebloem).exists()
    from glans_learning.organisations.models import MembershipInvitation

    assert MembershipInvitation.objects.filter(user=piet, unit=zonnebloem).exists()


@pytest.mark.parametrize(
    "upload, error",
    [
        (
            SimpleUploadedFile("personeel.txt", b"e-mail\nanna@example.invalid\n"),
            "Kies een CSV- of XLSX-bestand.",
        ),
        (SimpleUploadedFile("personeel.csv", b"\n \n;;\n"), "Het bestand is leeg."),
        (
            SimpleUploadedFile("personeel.csv", b"anna@example.invalid,Anna,A\n"),
            "De eerste regel moet de kolomnamen bevatten, met ten minste 'e-mail'.",
        ),
        (
            SimpleUploadedFile("personeel.xlsx", b"dit is geen spreadsheet"),
            "Het XLSX-bestand kan niet worden gelezen.",
        ),
        (
            SimpleUploadedFile("personeel.csv", "e-mail\nanna@example.invalid\n".encode("utf-16")),
            "Het CSV-bestand is geen UTF-8-tekst.",
        ),
    ],
    ids=["extension", "blank", "no-header", "corrupt-xlsx", "not-utf8"],
)
def test_unreadable_files_give_a_dutch_error_and_import_nothing(
    client, director, zonnebloem, programme, upload, error
):
    client.force_login(director)
    before = counts()
    response = post_file(client, zonnebloem, programme, upload)
    assert response.status_code == 200
    assert error in unescape(response.content.decode())
    assert counts() == before


def test_empty_upload_is_refused_in_dutch(client, director, zonnebloem, programme):
    client.force_login(director)
    before = counts()
    response = post_file(client, zonnebloem, programme, SimpleUploadedFile("personeel.csv", b""))
    assert response.status_code == 200
    assert response.context["form"].errors["staff_file"] == ["Het verstuurde bestand is leeg."]
    assert counts() == before


def test_staff_import_refused_for_a_unit_the_user_does_not_lead(
    client, other_director, zonnebloem, programme
):
    client.force_login(other_director)
    upload = csv_upload([HEADER, ("anna@example.invalid", "Anna", "A")])
    assert post_file(client, zonnebloem, programme, upload).status_code == 404
    assert not User.objects.filter(email="anna@example.invalid").exists()


def test_staff_import_service_checks_permission(teacher, zonnebloem, programme):
    from glans_learning.courses import staff_import

    with pytest.raises(PermissionDenied):
        staff_import.import_staff(
            by=teacher,
            unit=zonnebloem,
            programme=programme,
            upload=csv_upload([HEADER, ("anna@example.invalid", "Anna", "A")]),
        )
    assert not User.objects.filter(email="anna@example.invalid").exists()
