"""The transactional outbox (core/tasks.py): background work is written in the
same transaction as the change, sent after the commit, kept while the broker is down and sent
when it is back, oldest first and once; a backlog that does not drain is reported."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from kombu.exceptions import OperationalError

from glans_learning.core import checks, tasks
from glans_learning.core.models import OutboxMessage

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("broker"),
]


class FakeTask:
    """A task the outbox finds by name (import_string), with a broker that can go down."""

    name = "tests.core.test_outbox.FAKE"

    def __init__(self):
        self.published, self.ran, self.down = [], [], False

    def apply_async(self, args, kwargs, **options):
        if self.down:
            raise OperationalError("Connection refused")
        self.published.append(tuple(args))

    def __call__(self, *args):
        self.ran.append(args)


FAKE = FakeTask()


@pytest.fixture
def broker(monkeypatch):
    FAKE.__init__()
    conf = SimpleNamespace(broker_url=None, task_always_eager=False)
    monkeypatch.setattr(tasks, "_celery_conf", lambda: conf)
    with override_settings(
        CELERY_BROKER_URL="redis://broker.invalid/0", CELERY_TASK_ALWAYS_EAGER=False
    ):
        yield FAKE


def test_the_work_is_written_with_the_change_and_sent_after_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tasks.enqueue(FAKE, 7)
        [message] = OutboxMessage.objects.all()  # in the same transaction
        assert (message.task, message.args, message.dispatched_at) == (FAKE.name, [7], None)
        assert FAKE.published == []
    assert FAKE.published == [(7,)]
    message.refresh_from_db()
    assert message.dispatched_at is not None and message.attempts == 1
    assert FAKE.ran == []  # the worker runs it, not this process


def test_a_rolled_back_change_leaves_no_work(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ValueError),
        transaction.atomic(),
    ):
        tasks.enqueue(FAKE, 1)
        raise ValueError("the change failed")
    assert OutboxMessage.objects.count() == 0
    assert FAKE.published == []


def test_the_same_work_twice_before_sending_is_one_row(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        tasks.enqueue(FAKE, 3)
        tasks.enqueue(FAKE, 3)
        tasks.enqueue(FAKE, 4)
    assert OutboxMessage.objects.count() == 2
    assert sorted(FAKE.published) == [(3,), (4,)]


def test_broker_down_keeps_the_work_until_it_is_back(django_capture_on_commit_callbacks):
    FAKE.down = True
    for n in (1, 2, 3):
        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            tasks.enqueue(FAKE, n)  # never raises
    assert FAKE.published == []
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 3
    assert tasks.outbox_drain() == {"sent": 0, "failed": 1, "pending": 3, "pruned": 0}

    FAKE.down = False
    assert tasks.outbox_drain()["sent"] == 3
    assert FAKE.published == [(1,), (2,), (3,)]  # oldest first
    assert tasks.outbox_drain()["sent"] == 0  # sent once
    assert FAKE.published == [(1,), (2,), (3,)]
    assert FAKE.ran == []


def test_drain_prunes_old_sent_rows_and_keeps_recent_ones():
    now = timezone.now()
    old = OutboxMessage.objects.create(
        task=FAKE.name, dedupe_key="a", dispatched_at=now - timedelta(days=30)
    )
    recent = OutboxMessage.objects.create(task=FAKE.name, dedupe_key="b", dispatched_at=now)
    assert tasks.outbox_drain()["pruned"] == 1
    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == [recent.pk]
    assert not OutboxMessage.objects.filter(pk=old.pk).exists()


def test_without_a_broker_the_backlog_runs_here(django_capture_on_commit_callbacks):
    OutboxMessage.objects.create(task=FAKE.name, args=[5], dedupe_key="x")
    with override_settings(CELERY_BROKER_URL=None, CELERY_TASK_ALWAYS_EAGER=True):
        assert tasks.outbox_drain()["sent"] == 1
        with django_capture_on_commit_callbacks(execute=True):
            tasks.enqueue(FAKE, 6)  # eager: no outbox row, runs after the commit
    assert FAKE.ran == [(5,), (6,)]
    assert OutboxMessage.objects.filter(dispatched_at__isnull=True).count() == 0


def stale_row():
    return OutboxMessage.objects.create(
        task=FAKE.name, args=[9], dedupe_key="s", created_at=timezone.now() - timedelta(hours=1)
    )


def test_a_backlog_that_is_not_draining_is_a_check_warning(settings):
    settings.GLANS_OUTBOX_ALERT_MINUTES = 15
    OutboxMessage.objects.create(task=FAKE.name, args=[8], dedupe_key="fresh")
    assert checks.check_outbox_backlog(databases=["default"]) == []
    stale_row()
    [warning] = checks.check_outbox_backlog(databases=["default"])
    assert warning.id == "glans_core.W002"
    assert "glans_outbox_drain" in warning.hint
    assert checks.check_outbox_backlog(databases=None) == []  # only as a database check
    FAKE.down = False
    call_command("glans_outbox_drain", stdout=__import__("io").StringIO())
    assert checks.check_outbox_backlog(databases=["default"]) == []


def test_the_command_fails_while_the_broker_stays_down():
    import io

    stale_row()
    FAKE.down = True
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("glans_outbox_drain", stdout=out)
    assert "sent=0 failed=1 pending=1" in out.getvalue()
    out = io.StringIO()
    call_command("glans_outbox_drain", "--status", stdout=out)
    assert "stale=1" in out.getvalue()


def test_the_admin_home_shows_platform_admins_a_stale_backlog(
    client, admin_user, teacher, verified_login
):
    verified_login(client, admin_user)
    assert b"glans-outbox-backlog" not in client.get("/admin/").content
    stale_row()
    response = client.get("/admin/")
    assert response.status_code == 200
    assert b"glans-outbox-backlog" in response.content
