"""#14 'Wie mist er nog?': all staff of the unit with their status (not activated, not
enrolled, busy x%, done), one-click invitation or reminder (once a day, recorded), and a
one-page summary PDF."""

import pytest
from django.core import mail
from django.test import Client

from glans_learning.core.models import AccountInvitation, SentNotification
from glans_learning.courses import services
from glans_learning.courses.models import ProgrammePage
from glans_learning.organisations.services import membership_grant, user_create
from tests.courses.test_progress_support import current_year


@pytest.fixture
def team(zonnebloem, teacher, director, loaded_fixture):
    current_year()
    programme = ProgrammePage.objects.get(slug="proef")
    services.enrol(user=teacher, programme=programme, by=teacher)
    newcomer = user_create(email="nieuw@example.invalid", first_name="Noor", last_name="Nieuw")
    membership_grant(user=newcomer, unit=zonnebloem, role_codes=["learner"])
    return {"programme": programme, "newcomer": newcomer, "unit": zonnebloem}


def _post(client, url, data):
    client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def test_everyone_with_status_and_one_click_actions(
    team, teacher, director, tdt_teacher, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    url = f"/leren/team/{team['unit'].pk}/wie-mist-er-nog/?programme={team['programme'].pk}"
    page = client.get(url).content.decode()
    assert "Noor Nieuw" in page and "account niet geactiveerd" in page
    assert "niet ingeschreven" in page  # the TdT teacher is a member but not enrolled
    assert "nog niet begonnen" in page  # the teacher is enrolled
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(client, url, {"action": "invite", "user": team["newcomer"].pk})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["nieuw@example.invalid"]
    # Once a day: a second click the same day sends nothing.
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, url, {"action": "invite", "user": team["newcomer"].pk})
    assert AccountInvitation.objects.filter(user=team["newcomer"]).count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, url, {"action": "remind", "user": teacher.pk})
        _post(client, url, {"action": "remind", "user": teacher.pk})
    assert SentNotification.objects.filter(user=teacher, kind="director").count() == 1
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [teacher.email]
    assert "vandaag herinnerd" in client.get(url).content.decode()
    # Not activated: no reminder, invitation first.
    _post(client, url, {"action": "remind", "user": team["newcomer"].pk})
    assert not SentNotification.objects.filter(user=team["newcomer"]).exists()


def test_other_schools_people_cannot_be_nudged(team, other_director, other_teacher):
    client = Client()
    client.force_login(other_director)
    url = f"/leren/team/{team['unit'].pk}/wie-mist-er-nog/"
    assert client.get(url).status_code == 404
    client.force_login(other_teacher)
    assert client.post(url, {"action": "invite", "user": team["newcomer"].pk}).status_code == 404
    assert not AccountInvitation.objects.exists()


def test_summary_pdf(team, director):
    client = Client()
    client.force_login(director)
    response = client.get(f"/leren/team/{team['unit'].pk}/wie-mist-er-nog/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf" and response.content[:4] == b"%PDF"


def test_summary_pdf_without_weasyprint_says_so(team, director, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_weasyprint(name, *args, **kwargs):
        if name.startswith("weasyprint"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_weasyprint)
    client = Client()
    client.force_login(director)
    response = client.get(f"/leren/team/{team['unit'].pk}/wie-mist-er-nog/pdf/", follow=True)
    assert "WeasyPrint" in response.content.decode()


def test_not_enrolled_rows_offer_enrolment(team, director, tdt_teacher, other_teacher):
    """#25: a "niet ingeschreven" row has its action: one click enrols that team member."""
    from glans_learning.courses.models import Enrollment

    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    url = f"/leren/team/{team['unit'].pk}/wie-mist-er-nog/?programme={team['programme'].pk}"
    page = client.get(url).content.decode()
    assert 'value="enrol"' in page
    response = _post(client, url, {"action": "enrol", "user": tdt_teacher.pk})
    assert response.status_code == 302
    assert Enrollment.objects.filter(user=tdt_teacher, programme=team["programme"]).exists()
    assert "Het teamlid is ingeschreven." in client.get(url).content.decode()
    # Someone of another school cannot be enrolled from here; nothing changes.
    response = _post(client, url, {"action": "enrol", "user": other_teacher.pk})
    assert response.status_code in (302, 404)
    assert not Enrollment.objects.filter(user=other_teacher).exists()
