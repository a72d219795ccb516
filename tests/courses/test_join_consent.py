"""Issue #23 §1: a director cannot attach an existing account to their school by typing its
address. The person is asked, accepts while logged in as that account, and only then joins
(and is enrolled); the uploader's answer is the same for new and existing addresses."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from glans_learning.courses import services
from glans_learning.courses.models import Enrollment
from glans_learning.organisations import permissions
from glans_learning.organisations.models import Membership, MembershipInvitation

User = get_user_model()


def _upload(*emails):
    text = "e-mail,voornaam,achternaam\n" + "".join(f"{e},Iemand,Anders\n" for e in emails)
    return SimpleUploadedFile("personeel.csv", text.encode(), content_type="text/csv")


def _post_list(director, unit, programme, *emails):
    with _on_commit():
        return _post(director, unit, programme, *emails)


def _on_commit():
    from django.test import TestCase

    return TestCase.captureOnCommitCallbacks(execute=True)


def _post(director, unit, programme, *emails):
    client = Client(enforce_csrf_checks=True)
    client.force_login(director)
    url = f"/leren/team/{unit.pk}/inschrijven/"
    client.get(url)
    response = client.post(
        url,
        {
            "programme": programme.pk,
            "staff_file": _upload(*emails),
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        },
    )
    return response, [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize("who", ["other_director", "auditor"])
def test_staff_list_does_not_attach_an_existing_account(
    request, who, director, zonnebloem, programme
):
    target = request.getfixturevalue(who)
    before = set(Membership.objects.filter(user=target).values_list("pk", flat=True))
    mail.outbox.clear()
    response, said = _post_list(director, zonnebloem, programme, target.email)
    assert response.status_code == 302
    # No membership, no enrolment for De Zonnebloem, nothing for the director to see.
    assert set(Membership.objects.filter(user=target).values_list("pk", flat=True)) == before
    assert not Enrollment.objects.filter(user=target, unit=zonnebloem).exists()
    assert not permissions.visible_users(director).filter(pk=target.pk).exists()
    assert not permissions.may_manage_personal_data(director, target)
    # The person is asked, at their own address.
    invitation = MembershipInvitation.objects.get(user=target, unit=zonnebloem)
    assert invitation.accepted_at is None
    assert [m.to for m in mail.outbox] == [[target.email]]
    # Same answer as for an address nobody has yet.
    _response, said_new = _post_list(director, zonnebloem, programme, "nieuw@example.invalid")
    assert said == said_new


def test_the_invited_person_accepts_logged_in_and_is_then_enrolled(
    other_teacher, director, zonnebloem, programme
):
    mail.outbox.clear()
    _post_list(director, zonnebloem, programme, other_teacher.email)
    link = re.search(r"https?://[^\s]+/lid-worden/[^\s]+/", mail.outbox[0].body).group(0)
    path = link[link.index("/lid-worden/") :]
    # Somebody else with the link (the director himself) cannot accept it.
    stranger = Client()
    stranger.force_login(director)
    assert stranger.get(path).status_code == 400
    assert stranger.post(path, {"answer": "accept"}).status_code == 400
    assert not Membership.objects.filter(user=other_teacher, unit=zonnebloem).exists()
    # The person themself accepts.
    own = Client()
    own.force_login(other_teacher)
    assert own.get(path).status_code == 200
    assert own.post(path, {"answer": "accept"}).status_code == 302
    assert Membership.objects.current().filter(user=other_teacher, unit=zonnebloem).exists()
    assert Enrollment.objects.filter(
        user=other_teacher, programme=programme, unit=zonnebloem
    ).exists()
    # A used link does nothing more.
    assert own.get(path).status_code == 400


def test_declining_changes_nothing(other_teacher, director, zonnebloem, programme):
    mail.outbox.clear()
    _post_list(director, zonnebloem, programme, other_teacher.email)
    link = re.search(r"/lid-worden/[^\s]+/", mail.outbox[0].body).group(0)
    own = Client()
    own.force_login(other_teacher)
    own.post(link, {"answer": "decline"})
    assert not Membership.objects.filter(user=other_teacher, unit=zonnebloem).exists()
    assert MembershipInvitation.objects.get(user=other_teacher).declined_at is not None


def test_removing_a_membership_ends_the_schools_view_of_its_enrolments(
    director, teacher, zonnebloem, programme
):
    services.enrol(user=teacher, programme=programme, by=director, unit=zonnebloem)
    assert permissions.may_manage_personal_data(director, teacher)
    Membership.objects.filter(user=teacher, unit=zonnebloem).delete()
    enrolment = Enrollment.objects.get(user=teacher, programme=programme)
    assert enrolment.unit is None  # the person keeps it; the school no longer sees it
    assert not permissions.may_manage_personal_data(director, teacher)


def test_deactivating_a_membership_ends_it_too(director, teacher, zonnebloem, programme):
    services.enrol(user=teacher, programme=programme, by=director, unit=zonnebloem)
    membership = Membership.objects.get(user=teacher, unit=zonnebloem)
    membership.is_active = False
    membership.save()
    assert Enrollment.objects.get(user=teacher, programme=programme).unit is None


def test_export_and_erase_only_for_people_wholly_in_the_directors_units(
    director, teacher, regenboog, auditor
):
    from glans_learning.organisations.services import membership_grant

    assert permissions.may_manage_personal_data(director, teacher)
    # Also a member elsewhere (however that membership came about): not the director's call.
    membership_grant(user=teacher, unit=regenboog, role_codes=["learner"])
    assert not permissions.may_manage_personal_data(director, teacher)
    assert not permissions.may_manage_personal_data(director, auditor)


def test_director_cannot_pick_a_person_of_a_school_he_only_learns_at(
    director, zonnebloem, regenboog, other_teacher
):
    from glans_learning.organisations.services import membership_grant

    membership_grant(user=director, unit=regenboog, role_codes=["tdt_participant"])
    assert permissions.visible_users(director).filter(pk=other_teacher.pk).exists()
    assert not permissions.attachable_users(director).filter(pk=other_teacher.pk).exists()
