"""Real Redis and a real Celery worker against PostgreSQL (loopback only): Redis down while
learners register and finish lessons, and a worker killed (SIGKILL) in the middle of a batch.
Afterwards every piece of work is done exactly once: one confirmation per registration, one
certificate per completion, one ledger entry per source, one statement per event."""

import datetime
import json
import time
from decimal import Decimal

import pytest
from celery import Celery, current_app
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from glans_learning.core.models import OutboxMessage
from glans_learning.core.tasks import outbox_drain
from glans_learning.courses import services as course_services
from glans_learning.courses.models import (
    LessonPage,
    ProgrammeCompletion,
    Register,
    Session,
    SessionRegistration,
)
from glans_learning.credentials.models import (
    Accreditation,
    Certificate,
    LearningRecord,
    PointsEntry,
)
from glans_learning.measurement.models import Rating
from tests.builders import build_programme
from tests.courses.test_progress_support import current_year
from tests.factories import person
from tests.faults.harness import (
    Beat,
    RedisServer,
    Worker,
    database_url,
    mails_in,
    wait_for,
)
from tests.measurement.conftest import codes, make_group, open_moment, teach

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def redis(tmp_path):
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


@pytest.fixture
def mail_dir(tmp_path):
    path = tmp_path / "mail"
    path.mkdir()
    return path


@pytest.fixture
def worker(redis, mail_dir, tmp_path):
    process = Worker(
        db_url=database_url(connection),
        broker_url=redis.url,
        mail_dir=mail_dir,
        log=tmp_path / "worker.log",
    )
    yield process
    process.stop()


@pytest.fixture
def web_uses_broker(redis):
    """This process (the web side) sends through the outbox to the real broker."""
    app = current_app
    saved = (app.conf.broker_url, app.conf.task_always_eager, app._pool)
    app.conf.broker_url, app.conf.task_always_eager = redis.url, False
    app._pool, app.amqp._producer_pool = None, None
    with override_settings(CELERY_BROKER_URL=redis.url, CELERY_TASK_ALWAYS_EAGER=False):
        yield
    app.conf.broker_url, app.conf.task_always_eager, app._pool = saved
    app.amqp._producer_pool = None


@pytest.fixture
def programme(tmp_path):
    programme = build_programme(tmp_path, slug="fout", modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(programme).get()
    lesson.completion_rule = "manual"
    lesson.save()
    Accreditation.objects.create(
        register=Register.objects.get(name="Schoolleidersregister PO"),
        programme=programme,
        value=Decimal("8"),
        accreditation_id="SLR-F",
    )
    return programme


def make_session(programme):
    start = timezone.now() + datetime.timedelta(days=5)
    return Session.objects.create(
        programme=programme,
        kind=Session.Kind.ONLINE,
        title="Terugkomdag",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Utrecht",
    )


def csrf_client(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(reverse("glans_accounts:profile"))
    return client, client.cookies["csrftoken"].value


def test_redis_down_keeps_the_work_and_sends_it_when_back(
    redis, worker, web_uses_broker, programme, zonnebloem, teacher, mail_dir
):
    """Learners register and finish a lesson and a teacher rates her group's relationships
    while Redis is down: every request succeeds. The learners' work waits in the outbox and is
    sent when Redis is back. Rating enqueues no background work (the ratings are the whole
    change), so it adds no outbox row: the teacher's request only has to succeed and store."""
    worker.start()
    year = current_year()
    group = make_group(zonnebloem, year, "Groep 5", 4)
    teach(teacher, group)
    moment = open_moment(zonnebloem, year)
    session = make_session(programme)
    learners = [person(f"leerling{i}", unit=zonnebloem) for i in range(3)]
    lesson = LessonPage.objects.descendant_of(programme).get()
    for learner in learners:
        course_services.enrol(user=learner, programme=programme, by=learner)

    redis.stop()  # the broker is down
    for learner in learners:
        client, token = csrf_client(learner)
        registered = client.post(
            f"/leren/bijeenkomsten/{session.pk}/aanmelden/", {"csrfmiddlewaretoken": token}
        )
        assert registered.status_code == 302
        done = client.post(f"/leren/les/{lesson.pk}/afgerond/", {"csrfmiddlewaretoken": token})
        assert done.status_code == 302
    client, token = csrf_client(teacher)
    rated = client.put(
        f"/api/v1/measurements/{moment.pk}/ratings",  # what the rating grid (grid.js) sends
        data=json.dumps(
            {"ratings": [{"relationship": code, "rating": "positive"} for code in codes(group)]}
        ),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert rated.status_code == 200, rated.content
    assert rated.json() == {"saved": 4}
    assert Rating.objects.filter(moment=moment, rated_by=teacher, value="positive").count() == 4
    assert SessionRegistration.objects.count() == 3
    assert ProgrammeCompletion.objects.count() == 3
    # Kept: per learner a confirmation, the lesson visit's learning records (launched,
    # experienced), a module and a programme record; none sent yet. Nothing for the ratings.
    pending = OutboxMessage.objects.filter(dispatched_at__isnull=True)
    assert pending.count() == 12
    assert Certificate.objects.count() == 0 and mails_in(mail_dir) == []
    assert outbox_drain()["sent"] == 0  # still down: still kept

    redis.start()  # back (empty: what was queued before is gone, the outbox is not)
    assert outbox_drain() == {"sent": 12, "failed": 0, "pending": 0, "pruned": 0}
    # Done means every record the backlog writes: the "earned" record follows the certificate
    # in the same task, so waiting for certificates alone raced with it.
    wait_for(
        lambda: (
            Certificate.objects.exclude(pdf=None).count() == 3
            and not SessionRegistration.objects.filter(confirmation_sent_at=None).exists()
            and LearningRecord.objects.count() == 15
        ),
        timeout=60,
        what=lambda: (
            "the worker to finish the backlog: "
            + str(
                (
                    Certificate.objects.exclude(pdf=None).count(),
                    SessionRegistration.objects.filter(confirmation_sent_at=None).count(),
                    LearningRecord.objects.count(),
                )
            )
        ),
    )
    assert outbox_drain()["sent"] == 0
    assert len(mails_in(mail_dir)) == 3
    assert PointsEntry.objects.count() == 3
    assert LearningRecord.objects.filter(verb="completed").count() == 6  # module + programme
    assert LearningRecord.objects.filter(verb="earned").count() == 3
    assert LearningRecord.objects.filter(verb="launched").count() == 3
    assert LearningRecord.objects.filter(verb="experienced").count() == 3


BATCH = 24


def backlog(redis) -> str:
    """What is left on timeout: pending outbox rows and tasks Redis holds unacknowledged."""
    import redis as redis_client

    held = redis_client.Redis.from_url(redis.url)
    now = time.time()
    ages = [round(now - at, 1) for _tag, at in held.zrange("unacked_index", 0, -1, withscores=True)]
    pending = list(
        OutboxMessage.objects.filter(dispatched_at=None).values_list("task", "args", "attempts")
    )
    return (
        f"; outbox pending {pending}; unacknowledged in Redis for {ages} s;"
        f" queued {held.llen('celery')}\n"
    )


@pytest.fixture
def beat(redis, mail_dir, tmp_path):
    process = Beat(
        db_url=database_url(connection), broker_url=redis.url, mail_dir=mail_dir, workdir=tmp_path
    )
    yield process
    process.stop()


def test_a_worker_killed_mid_batch_finishes_every_job_exactly_once(
    redis, worker, beat, programme, zonnebloem, mail_dir
):
    session = make_session(programme)
    learners = [person(f"cursist{i}", unit=zonnebloem) for i in range(BATCH)]
    now = timezone.now()
    # Without signals: the test sends the batch itself, straight to the broker.
    completions = ProgrammeCompletion.objects.bulk_create(
        [ProgrammeCompletion(user=u, programme=programme, completed_at=now) for u in learners]
    )
    registrations = SessionRegistration.objects.bulk_create(
        [SessionRegistration(session=session, user=u) for u in learners]
    )
    client = Celery("glans-fault-client", broker=redis.url)
    try:
        for completion, registration in zip(completions, registrations, strict=True):
            client.send_task(
                "glans_learning.credentials.tasks.record_programme_completion", [completion.pk]
            )
            client.send_task(
                "glans_learning.courses.tasks.send_session_confirmation", [registration.pk]
            )
    finally:
        client.close()

    beat.start()  # its own process, as in production: the kill leaves it running
    worker.start()
    wait_for(lambda: Certificate.objects.count() >= 3, timeout=60, interval=0.02, what="a few jobs")
    worker.kill()  # SIGKILL, in the middle of the batch
    assert Certificate.objects.count() < BATCH, "the batch finished before the kill"

    worker.start()
    wait_for(
        lambda: (
            Certificate.objects.exclude(pdf=None).count() == BATCH
            and not SessionRegistration.objects.filter(confirmation_sent_at=None).exists()
            and LearningRecord.objects.count() == 2 * BATCH
        ),
        timeout=90,
        what=lambda: (
            "every job after the restart: "
            + str(
                (
                    Certificate.objects.count(),
                    Certificate.objects.exclude(pdf=None).count(),
                    SessionRegistration.objects.filter(confirmation_sent_at=None).count(),
                    LearningRecord.objects.count(),
                )
            )
            + backlog(redis)
            + worker.log.read_text()[-1500:]
        ),
    )
    assert Certificate.objects.count() == BATCH
    assert PointsEntry.objects.count() == BATCH
    assert LearningRecord.objects.filter(verb="earned").count() == BATCH
    # No lost mail. A kill between the SMTP hand-over and the commit that records it can
    # repeat that one mail (at-least-once for mail), never more.
    assert BATCH <= len(mails_in(mail_dir)) <= BATCH + 1
