"""`make soak`: mixed traffic against the real parts for SOAK_SECONDS (default 600), with a
Celery worker SIGKILLed and Redis restarted halfway; afterwards the counts of progress rows,
ledger entries, certificates and outbox rows must be exactly what the traffic implies.
Prints the counts and exits 1 on any mismatch. Runs under scripts/with-services.sh (it uses
that PostgreSQL cluster for a database of its own, and starts its own Redis, worker and web
server on loopback ports). Not part of `make test`.
"""

import contextlib
import datetime
import os
import random
import sys
import tempfile
import threading
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECONDS = int(os.environ.get("SOAK_SECONDS", "600"))
LEARNERS = int(os.environ.get("SOAK_LEARNERS", "300"))
THREADS = int(os.environ.get("SOAK_THREADS", "4"))


def create_database() -> str:
    import psycopg

    base = os.environ["DATABASE_URL"]
    name = f"glans_soak_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.rsplit("/", 1)[0] + "/" + name


def drop_database(url: str) -> None:
    import psycopg

    base, name = os.environ["GLANS_SOAK_BASE_URL"], url.rsplit("/", 1)[1]
    with psycopg.connect(base.replace("postgres://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def seed(workdir: Path):
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.utils import timezone

    from glans_learning.courses import services
    from glans_learning.courses.models import LessonPage, Register, Session
    from glans_learning.credentials.models import Accreditation
    from tests.builders import build_programme
    from tests.courses.test_progress_support import current_year
    from tests.factories import UnitFactory, person

    current_year()
    programme = build_programme(workdir / "material", slug="soak", modules=1, lessons_per_module=1)
    lesson = LessonPage.objects.descendant_of(programme).get()
    lesson.completion_rule = "manual"
    lesson.save()
    register = Register.objects.filter(name="Schoolleidersregister PO").first()
    if register is None:
        register = Register.objects.create(name="Soak-register", unit=Register.Unit.POINTS)
    Accreditation.objects.create(
        register=register, programme=programme, value=Decimal("4"), accreditation_id="SOAK"
    )
    start = timezone.now() + datetime.timedelta(days=10)
    session = Session.objects.create(
        programme=programme,
        kind=Session.Kind.ONLINE,
        title="Soak-bijeenkomst",
        starts_at=start,
        ends_at=start + datetime.timedelta(hours=2),
        location="Utrecht",
    )
    unit = UnitFactory(name="Soakschool")
    keys = []
    for i in range(LEARNERS):
        user = person(f"soak{i}", unit=unit, email=f"soak{i}@example.invalid")
        services.enrol(user=user, programme=programme, by=user)
        client = Client()
        client.force_login(user)
        keys.append(client.cookies["sessionid"].value)
    assert get_user_model().objects.count() >= LEARNERS
    return session, lesson, keys


def traffic(port, session, lesson, keys, stop, seen, lock, started):
    from tests.faults.test_database_restart import request

    actions = {
        "register": ("POST", f"/leren/bijeenkomsten/{session.pk}/aanmelden/"),
        "done": ("POST", f"/leren/les/{lesson.pk}/afgerond/"),
        "route": ("GET", "/leren/mijn-leerroute/"),
        "sessions": ("GET", "/leren/bijeenkomsten/"),
    }
    rng = random.Random()
    while not stop.is_set():
        # Learners arrive over the whole run, so new work keeps coming through the faults.
        active = max(1, min(len(keys), int(len(keys) * (time.monotonic() - started) / SECONDS)))
        index = rng.randrange(active)
        action = rng.choice(["register", "done", "route", "sessions", "route"])
        method, path = actions[action]
        try:
            status, _body = request(port, method, path, keys[index])
        except OSError as exc:
            status = f"error {exc}"
        with lock:
            seen["statuses"][str(status)] = seen["statuses"].get(str(status), 0) + 1
            if method == "POST" and status == 302:
                seen[action].add(index)


def main() -> int:
    from tests.faults.harness import Beat, RedisServer, WebServer, Worker, mails_in, wait_for

    os.environ["GLANS_SOAK_BASE_URL"] = os.environ["DATABASE_URL"]
    db_url = create_database()
    os.environ["DATABASE_URL"] = db_url
    os.environ["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.test"
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("axes").setLevel(logging.WARNING)

    workdir = Path(tempfile.mkdtemp(prefix="glans-soak-"))
    redis = worker = beat = web = None
    try:
        call_command("migrate", verbosity=0)
        session, lesson, keys = seed(workdir)
        mail_dir = workdir / "mail"
        mail_dir.mkdir()
        redis = RedisServer(workdir, persistent=True).start()
        worker = Worker(
            db_url=db_url, broker_url=redis.url, mail_dir=mail_dir, log=workdir / "worker.log"
        ).start()
        # Beat in its own process, as in production: it drains the outbox (every 2 s here).
        beat = Beat(db_url=db_url, broker_url=redis.url, mail_dir=mail_dir, workdir=workdir).start()
        web = WebServer(
            db_url=db_url,
            log=workdir / "web.log",
            extra_env={"CELERY_BROKER_URL": redis.url},
        ).start()
        from django.db import connection

        connection.close()

        seen = {"register": set(), "done": set(), "statuses": {}}
        stop, lock = threading.Event(), threading.Lock()
        threads = [
            threading.Thread(
                target=traffic,
                args=(web.port, session, lesson, keys, stop, seen, lock, time.monotonic()),
            )
            for _ in range(THREADS)
        ]
        for thread in threads:
            thread.start()
        print(f"soak: {SECONDS}s of traffic, {LEARNERS} learners, {THREADS} threads")
        time.sleep(SECONDS / 2)
        print("soak: SIGKILL the worker")
        worker.kill()
        time.sleep(min(5, SECONDS / 10))
        worker.start()
        print("soak: restart Redis")
        redis.stop()
        time.sleep(min(5, SECONDS / 10))
        redis.start()
        time.sleep(max(0, SECONDS / 2 - 2 * min(5, SECONDS / 10)))
        stop.set()
        for thread in threads:
            thread.join(timeout=60)

        from django.db.models import Sum

        from glans_learning.core.models import OutboxMessage
        from glans_learning.courses.models import (
            LessonProgress,
            ModuleCompletion,
            ProgrammeCompletion,
            SessionRegistration,
        )
        from glans_learning.credentials.models import Certificate, LearningRecord, PointsEntry

        registered, done = len(seen["register"]), len(seen["done"])
        # A lesson visit is recorded once per VISIT_WINDOW_SECONDS per learner (the counter on
        # the progress row); each recorded visit is one outbox row, its statements are kept
        # once: "launched" per enrolment, "experienced" per learner, lesson and day.
        visits = LessonProgress.objects.aggregate(n=Sum("visits"))["n"] or 0
        expected = {
            "session registrations": registered,
            "confirmations recorded": registered,
            "lessons completed": done,
            "module completions": done,
            "programme completions": done,
            "ledger entries": done,
            "certificates (with PDF)": done,
            "learning records": 5 * done,
            "outbox rows": registered + 2 * done + visits,
            "outbox rows pending": 0,
        }

        def actual():
            return {
                "session registrations": SessionRegistration.objects.count(),
                "confirmations recorded": SessionRegistration.objects.exclude(
                    confirmation_sent_at=None
                ).count(),
                "lessons completed": LessonProgress.objects.filter(status="completed").count(),
                "module completions": ModuleCompletion.objects.count(),
                "programme completions": ProgrammeCompletion.objects.count(),
                "ledger entries": PointsEntry.objects.count(),
                "certificates (with PDF)": Certificate.objects.exclude(pdf=None).count(),
                "learning records": LearningRecord.objects.count(),
                "outbox rows": OutboxMessage.objects.count(),
                "outbox rows pending": OutboxMessage.objects.filter(dispatched_at=None).count(),
            }

        # Beat sends what the outbox still holds and the worker finishes (a killed task comes
        # back after the visibility timeout); nothing here sends anything itself.
        with contextlib.suppress(AssertionError):
            wait_for(lambda: actual() == expected, timeout=120, interval=2, what="the work")
        found = actual()
        mails = len(mails_in(mail_dir))
        print(f"soak: responses {dict(sorted(seen['statuses'].items()))}")
        width = max(len(k) for k in found)
        ok = True
        for key, value in found.items():
            mark = "ok" if value == expected[key] else "MISMATCH"
            ok &= value == expected[key]
            print(f"  {key:<{width}}  {value:>6}  (expected {expected[key]})  {mark}")
        mails_ok = registered <= mails <= registered + 1
        print(f"  {'mails sent':<{width}}  {mails:>6}  (expected {registered}, +1 at most)")
        ok &= mails_ok and "500" not in seen["statuses"]
        print("soak: OK" if ok else "soak: FAILED (see above)")
        return 0 if ok else 1
    finally:
        for part in (web, beat, worker, redis):
            if part is not None:
                part.stop()
        from django.db import connections

        connections.close_all()
        drop_database(db_url)


if __name__ == "__main__":
    sys.exit(main())
