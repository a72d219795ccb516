"""An audit can't be rubber-stamped (issue #23 §4): nothing preselected, a failed pre-check
needs a written reason, one page for every criterion, no report before the conversation,
and the outcome is mailed to the school and its board's Expertgroep, once."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from glans_learning.certification import services, tasks
from glans_learning.certification.models import AuditEvent, Status
from tests.factories import person

from .test_services import walk_to_decision
from .test_views import csrf_client, post


def _fail_precheck(application, code):
    dossier = application.dossier
    for row in dossier["prechecks"]:
        if row["code"] == code:
            row["met"] = False
    type(application).objects.filter(pk=application.pk).update(dossier=dossier)
    application.refresh_from_db()


@pytest.fixture
def in_review(application, auditor):
    services.intake_record(application=application, user=auditor, complete=True)
    application.refresh_from_db()
    return application


def test_review_page_preselects_nothing_and_names_every_choice(in_review, auditor, verified_login):
    url = reverse("glans_certification:application", args=[in_review.pk])
    client = csrf_client(auditor, verified_login, warm_url=url)
    page = client.get(url).content.decode()
    criteria = list(in_review.criterion_set.criteria.all())
    # One form for all criteria, each a fieldset whose legend names the radio group.
    assert page.count('name="step" value="review_all"') == 1
    assert page.count("<fieldset") == len(criteria)
    assert page.count("<legend>") == len(criteria)
    assert "<select" not in page.split('id="criteria"')[1].split("</form>")[0]
    radios = re.findall(r"<input type=\"radio\"[^>]*>", page)
    assert len(radios) == 2 * len(criteria)
    assert not [r for r in radios if "checked" in r]
    # Every textarea sits inside a label.
    assert page.count('<textarea name="remarks-') == len(criteria)


def test_intake_and_decision_preselect_nothing(application, auditor, verified_login):
    url = reverse("glans_certification:application", args=[application.pk])
    client = csrf_client(auditor, verified_login, warm_url=url)
    page = client.get(url).content.decode()
    assert re.search(r'name="complete" value="yes"[^>]*checked', page) is None
    # Without a choice nothing happens.
    step = reverse("glans_certification:step", args=[application.pk])
    post(client, step, {"step": "intake"})
    application.refresh_from_db()
    assert application.status == Status.SUBMITTED
    walk_to_decision(application, auditor)
    page = client.get(url).content.decode()
    assert re.search(r'name="outcome" value="certified"[^>]*checked', page) is None
    post(client, step, {"step": "decide", "remarks": "x"})
    application.refresh_from_db()
    assert application.status == Status.DECISION


def test_failed_precheck_needs_a_written_reason(in_review, auditor):
    criterion = in_review.criterion_set.criteria.first()
    _fail_precheck(in_review, criterion.code)
    with pytest.raises(ValidationError):
        services.criterion_review(
            application=in_review, user=auditor, criterion=criterion, verdict="met", remarks=" "
        )
    assert not in_review.reviews.exists()
    # A development point, or "voldoet" with a reason, is fine.
    services.criterion_review(
        application=in_review,
        user=auditor,
        criterion=criterion,
        verdict="met",
        remarks="Het handboek laat zien dat het team dit doet; de meting loopt nog.",
    )
    assert in_review.reviews.get().verdict == "met"


def test_one_page_review_saves_all_or_nothing(in_review, auditor, verified_login):
    url = reverse("glans_certification:application", args=[in_review.pk])
    step = reverse("glans_certification:step", args=[in_review.pk])
    client = csrf_client(auditor, verified_login, warm_url=url)
    criteria = list(in_review.criterion_set.criteria.all())
    failed = criteria[1]
    _fail_precheck(in_review, failed.code)
    data = {"step": "review_all"}
    for c in criteria:
        data[f"verdict-{c.pk}"] = "met"
        data[f"remarks-{c.pk}"] = "" if c == failed else f"Gezien bij {c.code}."
    response = post(client, step, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert f"Gezien bij {criteria[0].code}." in page  # what the auditor wrote stays
    assert "voorcontrole" in page.lower()
    assert not in_review.reviews.exists()
    data[f"remarks-{failed.pk}"] = "Wel degelijk: zie het verslag van de teamdag."
    response = post(client, step, data)
    assert response.status_code == 302 and response["Location"].endswith("#criteria")
    in_review.refresh_from_db()
    assert in_review.reviews.count() == len(criteria)
    assert in_review.status == Status.CONVERSATION


def test_report_waits_for_the_conversation(in_review, auditor):
    for c in in_review.criterion_set.criteria.all():
        services.criterion_review(
            application=in_review, user=auditor, criterion=c, verdict="met", remarks="Ja."
        )
    in_review.refresh_from_db()
    services.conversation_plan(
        application=in_review,
        user=auditor,
        at=timezone.now() + datetime.timedelta(days=3),
        place="School",
        participants="Expertgroep",
        agenda="Successen",
    )
    with pytest.raises(ValidationError):
        services.conversation_report(
            application=in_review,
            user=auditor,
            successes="Alles",
            development="",
            cooperation="",
            next_steps="Door",
        )
    in_review.refresh_from_db()
    assert in_review.status == Status.CONVERSATION and not in_review.report_successes


@pytest.fixture
def people(zonnebloem, regenboog, director):
    return {
        "expert": person(
            "expert.zb", unit=zonnebloem, roles=["school_expertgroep"], email="expert@zb.test"
        ),
        "board": person(
            "bestuur.eg", unit=regenboog, roles=["board_expertgroep"], email="board@eg.test"
        ),
        "teacher": person("juf.zb", unit=zonnebloem, roles=["learner"], email="juf@zb.test"),
    }


def test_decision_is_mailed_once_with_the_report(
    application, auditor, director, people, django_capture_on_commit_callbacks
):
    director.email = "dir@zb.test"
    director.save()
    walk_to_decision(application, auditor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.application_decide(application=application, user=auditor, certified=True)
    school = [m for m in mail.outbox if "dir@zb.test" in m.to]
    board = [m for m in mail.outbox if "board@eg.test" in m.to]
    assert len(school) == 1 and len(board) == 1
    assert "expert@zb.test" in school[0].to
    assert "Elke ouder is bekend." in school[0].body  # the report
    assert "gecertificeerd" in school[0].subject
    assert not [m for m in mail.outbox if "juf@zb.test" in m.to]
    # A retry (or a second worker) sends nothing.
    event = AuditEvent.objects.get(application=application, action="decided")
    assert tasks.mail_audit_outcome(event.pk) is False
    assert len(mail.outbox) == 2


def test_return_is_mailed(
    application, auditor, director, people, django_capture_on_commit_callbacks
):
    director.email = "dir@zb.test"
    director.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.intake_record(
            application=application,
            user=auditor,
            complete=False,
            remarks="Het jaarplan ontbreekt.",
        )
    assert any("Het jaarplan ontbreekt." in m.body and "dir@zb.test" in m.to for m in mail.outbox)
    assert any("board@eg.test" in m.to for m in mail.outbox)


def test_revocation_is_mailed(
    application, auditor, director, people, django_capture_on_commit_callbacks
):
    director.email = "dir@zb.test"
    director.save()
    walk_to_decision(application, auditor)
    services.application_decide(application=application, user=auditor, certified=True)
    mail.outbox.clear()
    certificate = application.certificate
    with django_capture_on_commit_callbacks(execute=True):
        services.certificate_revoke(
            certificate=certificate, user=auditor, reason="Fraude met cijfers."
        )
    assert any("Fraude met cijfers." in m.body and "dir@zb.test" in m.to for m in mail.outbox)
    assert any("board@eg.test" in m.to for m in mail.outbox)
