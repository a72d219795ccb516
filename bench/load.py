#!/usr/bin/env python
"""Load test: a real server (gunicorn, PostgreSQL, Redis as Celery broker) under learners.

Run through scripts/with-services.sh (`make load`), which provides a throwaway PostgreSQL and
Redis on loopback. Builds a programme of 50 lessons, a plain page at lesson depth behind the
same login restriction, 20 learners and 2 directors; starts gunicorn on a free loopback port
and drives it with locust (headless, bounded by --run-time) at increasing concurrency:

1. the lesson page and the plain page alone, side by side: throughput and p50/p95;
2. the measurement week and the auditor's day (issue #30), on bench/screens.py's school and
   applications, each request type alone against the plain page at the same step
   (--scenario-run-time seconds each; 0 leaves them out): --teachers teachers (each with a
   group of 30 pseudonymous relationships and an open measurement moment) open their rating
   grid and save ratings through the grid's API (PUT with the CSRF token; the same families
   again and again, which must stay one rating per family and moment), the director opens
   the school's measurement dashboard; an auditor with a verified second factor opens the
   work list, an application's review page and a school's certification overview;
3. the learner journey (bench/locustfile.py): log in, my route, lesson, answer, programme
   page, and the team dashboard for directors;
4. memory: one worker (gunicorn -w 1) serving --memory-requests requests; its RSS after
   1,000 and after all of them.

--two-nodes (issue #27) measures instead how throughput scales from one node to two: the
plain page and the lesson page at --users concurrent users against one gunicorn (2 workers),
then against two gunicorn nodes (2 workers each, the same database) with the users split
between them (one locust per node, as a round-robin load balancer would split them).

Usage: scripts/with-services.sh .venv/bin/python bench/load.py [--users 2,8,16]
       [--run-time 20] [--scenario-run-time 8] [--teachers 16] [--memory-requests 10000]
       [--write] [--two-nodes]
Every response is checked (bench/locustfile.py): a redirect to the login or two-factor page,
a 403 or a 404 counts as a failure, and any failure outside logging in fails the run.
Targets (issue #30), for the lesson page and every page of the measurement week and the
auditor's day: throughput >= 90% of the plain page's, p95 <= 1.2x the plain page's.
"""

# ruff: noqa: S603, S607, S310 - starts gunicorn, locust and ps; requests go to loopback only

import argparse
import csv
import datetime
import json
import os
import platform
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
BIN = Path(sys.executable).parent
MIN_SHARE, MAX_P95 = 0.90, 1.2  # issue #30: per page type, against the plain page
PASSWORD = "glans-load-wachtwoord"  # noqa: S105 - throwaway accounts in a throwaway database


def met(share: float, p95: float) -> bool:
    return share >= MIN_SHARE and p95 <= MAX_P95


def verdict(share: float, p95: float) -> str:
    """A row's ratios to the plain page at the same users, against issue #30's targets."""
    return f"throughput {share:.2f} (≥{MIN_SHARE:.2f}), p95 {p95:.2f}× (≤{MAX_P95}) " + (
        "ok" if met(share, p95) else "MISSED"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(workdir: Path, teachers: int = 16) -> dict:
    import django

    django.setup()
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone
    from wagtail.models import PageViewRestriction, Site

    from glans_learning.courses import services
    from glans_learning.courses.models import Enrollment, LessonPage, ModulePage
    from glans_learning.organisations.models import Board, OrganisationUnit, SchoolYear
    from glans_learning.organisations.services import membership_grant
    from glans_site.demo.models import PlainPage
    from tests.builders import WORDS, build_programme

    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    year = SchoolYear.objects.create(
        label="load",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=300),
    )
    board = Board.objects.create(name="Load")
    unit = OrganisationUnit.objects.create(board=board, name="School", unit_type="po")
    text = " ".join([WORDS] * (800 // len(WORDS.split())))
    site_root = Site.objects.get(is_default_site=True).root_page

    def plain_page(parent, slug, body=""):
        page = PlainPage(title=slug.title(), slug=slug, body=body)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    section = plain_page(site_root, "sectie")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    plain = plain_page(
        plain_page(plain_page(section, "deel"), "hoofdstuk"), "gewoon", f"<p>{text}</p>"
    )
    programme = build_programme(
        workdir / "material", slug="last", modules=1, lessons_per_module=50, words=800
    )
    module = ModulePage.objects.child_of(programme).get()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    backend = "django.contrib.auth.backends.ModelBackend"
    accounts, sessions, users = [], [], []
    for n in range(22):
        director = n >= 20
        user = get_user_model().objects.create_user(f"lerende-{n}", password=PASSWORD)
        membership_grant(
            user=user, unit=unit, role_codes=["learner", "director"] if director else ["learner"]
        )
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=unit)
        for lesson in lessons[: random.randint(0, 25)]:
            services.lesson_open(user=user, lesson=lesson)
        accounts.append({"username": user.username, "director": director})
        users.append(user)
        store = SessionStore()
        store[SESSION_KEY], store[BACKEND_SESSION_KEY] = str(user.pk), backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        sessions.append(store.session_key)
    answers = {}
    for lesson in lessons:
        for child in lesson.body:
            if child.block_type == "reflection":
                answers[lesson.url] = f"/leren/activiteit/{lesson.pk}/{child.id}/"
    started = time.monotonic()
    with transaction.atomic():  # one commit: on PostgreSQL each autocommitted row waits a flush
        scenarios = build_week_and_audit(
            board=board, year=year, workdir=workdir, learner=users[0], teachers=teachers
        )
    scenarios["build_seconds"] = round(time.monotonic() - started, 1)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return {
        **scenarios,
        "plain": plain.url,
        "programme": programme.url,
        "module": module.url,
        "lessons": [lesson.url for lesson in lessons[10:40]],
        "answers": answers,
        "accounts": accounts,
        "sessions": sessions,
        "password": PASSWORD,
    }


def build_week_and_audit(*, board, year, workdir, learner, teachers: int) -> dict:
    """The measurement week and the auditor's day (issue #30), from bench/screens.py's school:
    its groups of 30 pseudonymous relationships (three past moments rated, one open today),
    grown to `teachers` groups with a teacher each; its director; and an auditor with a
    verified second factor and six applications in different states. Returns each person's
    session and the URLs (with a text each page must contain)."""
    from django.conf import settings
    from django.contrib.auth import SESSION_KEY, get_user_model
    from django.urls import reverse
    from django.utils import timezone

    from bench import screens
    from glans_learning.certification import selectors as certification
    from glans_learning.measurement.models import Family, MeasurementMoment
    from glans_learning.organisations.models import Group, Membership
    from glans_learning.organisations.permissions import forget_roles
    from tests.factories import person

    def session(client):
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    made = screens.build(
        board=board, year=year, workdir=workdir, learner=learner, learner_client=None, teams=False
    )
    by_prefix = {name.split(" (")[0]: value for name, value in made.items()}
    today = timezone.localdate()
    moment = MeasurementMoment.objects.get(date=today, opens_on=today)
    school = moment.unit
    moments = list(MeasurementMoment.objects.filter(unit=school))
    existing = Group.objects.filter(unit=school).count()
    if teachers > existing:
        screens._rated_groups(
            school, year, teachers - existing, screens.GRID_FAMILIES, moments, today, existing
        )
    rating_url = reverse("glans_api:moment_ratings", args=[moment.pk])
    rated = set(
        Membership.objects.filter(unit=school, groups__isnull=False).values_list(
            "groups", flat=True
        )
    )
    grid_client, _grid_url = by_prefix["rating grid"]
    first_teacher = session(grid_client)
    week = []
    for n, group in enumerate(Group.objects.filter(unit=school).order_by("pk")[:teachers]):
        if group.pk in rated:
            key = first_teacher
        else:
            teacher = person(f"leerkracht-{n}", unit=school, roles=["learner"])
            teacher.glans_memberships.get(unit=school).groups.add(group)
            forget_roles(teacher)
            key = session(screens._client(teacher))
        week.append(
            {
                "session": key,
                "grid": reverse("glans_measurement:grid", args=[group.pk]),
                "ratings": rating_url,
                "group": group.pk,
                "codes": list(
                    Family.objects.filter(relationships__group=group).values_list("code", flat=True)
                ),
            }
        )
    director_client, school_url = by_prefix["school measurement"]
    auditor_client, worklist_url = by_prefix["auditor work list"]
    auditor = get_user_model().objects.get(pk=auditor_client.session[SESSION_KEY])
    applications = list(certification.visible_applications(auditor).order_by("pk"))
    return {
        "moment": moment.pk,
        "teachers": week,
        "school": {"session": session(director_client), "url": school_url, "text": school.name},
        "auditor": {
            "session": session(auditor_client),
            "worklist": worklist_url,
            "applications": [
                {
                    "url": reverse("glans_certification:application", args=[a.pk]),
                    "text": a.unit.name,
                }
                for a in applications
            ],
            "overviews": [
                {"url": reverse("glans_certification:unit", args=[a.unit_id]), "text": a.unit.name}
                for a in applications
            ],
        },
    }


class Server:
    def __init__(self, workers: int, env: dict):
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "glans_site.wsgi:application",
                f"--workers={workers}",
                f"--bind=127.0.0.1:{self.port}",
                "--max-requests=0",
                "--timeout=120",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        self.url = f"http://127.0.0.1:{self.port}"
        for _ in range(300):
            try:
                urllib.request.urlopen(f"{self.url}/accounts/login/", timeout=5)
                break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError("gunicorn did not start")

    def warm_up(self, config, rounds=3):
        """Every worker loads templates and code before anything is measured."""
        director = config["sessions"][-1]
        auditor = config["auditor"]
        pages = [
            *((path, director) for path in config["lessons"][:3]),
            (config["programme"], director),
            (config["plain"], director),
            ("/leren/team/", director),
            (config["teachers"][0]["grid"], config["teachers"][0]["session"]),
            (config["school"]["url"], config["school"]["session"]),
            (auditor["worklist"], auditor["session"]),
            (auditor["applications"][0]["url"], auditor["session"]),
            (auditor["overviews"][0]["url"], auditor["session"]),
        ]
        for _ in range(rounds * workers_hint(self)):
            for path, session in pages:
                request = urllib.request.Request(
                    self.url + path, headers={"Cookie": f"sessionid={session}"}
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()

    def worker_pids(self) -> list[int]:
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def workers_hint(server) -> int:
    return max(1, len(server.worker_pids()))


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def locust(server, config_path, scenario, users, run_time, workdir, tag="") -> dict:
    prefix = workdir / f"{scenario}-{users}{tag}"
    env = {
        **os.environ,
        "GLANS_LOAD_CONFIG": str(config_path),
        "GLANS_LOAD_SCENARIO": scenario,
    }
    subprocess.run(
        [
            str(BIN / "locust"),
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--host",
            server.url,
            "--users",
            str(users),
            "--spawn-rate",
            str(users),
            "--run-time",
            f"{run_time}s",
            "--stop-timeout",
            "10",
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "WARNING",
        ],
        env=env,
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=workdir,
    )
    rows = {}
    with open(f"{prefix}_stats.csv", newline="") as handle:
        for row in csv.DictReader(handle):
            rows[row["Name"]] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
            }
    return rows


# The measurement week and the auditor's day (issue #30): each request type on its own, as
# the plain and the lesson page, so that its throughput and p95 compare with the plain page's.
SCENARIOS = (
    (
        "measurement week: teachers open their group's rating grid and save ratings "
        "(PUT to the grid's API, one family each); the director opens the school dashboard",
        (("grid", "rating grid"), ("rate", "rating save"), ("school", "school measurement")),
    ),
    (
        "auditor's day (second factor verified): work list, an application's review page, "
        "the certification overview of an applying school",
        (
            ("worklist", "auditor work list"),
            ("application", "application review"),
            ("overview", "certification overview"),
        ),
    ),
)


def week_and_audit(
    server, config, config_path, steps, plains, args, workdir
) -> tuple[list[str], bool]:
    """Each request type of the two scenarios alone at every step, against the plain page at
    that step; then whether the saved ratings stayed one per family and moment. Returns the
    lines and whether anything failed."""
    from django.db.models import Count

    from glans_learning.measurement.models import Rating

    lines = [
        f"each request type alone, {args.scenario_run_time} s per step, "
        f"{len(config['teachers'])} teachers with a group of "
        f"{len(config['teachers'][0]['codes'])} families each (their data built in "
        f"{config['build_seconds']:.0f} s); ratios to the plain page at the same users",
        f"{'users':>5}  {'request':22} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}  vs plain",
    ]
    saves, failed = 0, False
    for title, kinds in SCENARIOS:
        lines.append(title)
        for users in steps:
            plain = plains[users]
            for scenario, name in kinds:
                rows = locust(server, config_path, scenario, users, args.scenario_run_time, workdir)
                row = rows.get(name)
                if not row or not row["count"]:
                    lines.append(f"{users:>5}  {name:22} no requests")
                    failed = True
                    continue
                if name == "rating save":
                    saves += row["count"] - row["failures"]
                others = sum(
                    r["failures"] for n, r in rows.items() if n not in (name, "Aggregated")
                )
                share, p95 = row["rps"] / plain["rps"], row["p95"] / plain["p95"]
                failures = row["failures"] + others
                failed |= bool(failures) or not met(share, p95)
                lines.append(
                    f"{users:>5}  {name:22} {row['rps']:7.1f} {row['p50']:7.0f} {row['p95']:7.0f}"
                    f"  {verdict(share, p95)}"
                    + (f"  {failures} of {row['count']} failed" if failures else "")
                )
    ratings = Rating.objects.filter(moment_id=config["moment"])
    cells = sum(len(t["codes"]) for t in config["teachers"])
    doubled = ratings.values("relationship").annotate(n=Count("id")).filter(n__gt=1).count()
    count = ratings.count()
    lines.append(
        f"ratings at the open moment: {count} of {cells} families rated, "
        + (f"{doubled} of them more than once: failed" if doubled else "one rating each")
        + f" ({saves:,} saves counted, the same families saved again and again; a save still "
        "on its way when a step ends is not counted)"
    )
    if count > cells or (saves and not count):
        lines.append("ratings at the open moment do not match the saves: failed")
    failed |= bool(doubled) or count > cells or bool(saves and not count)
    return lines, failed


def memory(env, config, requests: int) -> list[tuple[int, int]]:
    """(requests served, RSS in KiB) of one worker after 1,000 requests and then after every
    quarter of `requests` (growth after warm-up is what would be a leak)."""
    server = Server(1, env)
    server.warm_up(config)
    try:
        (pid,) = server.worker_pids()
        urls = [*config["lessons"], config["programme"], config["module"], config["plain"]]
        done = 0
        lock = threading.Lock()
        step = max(1000, requests // 4)
        marks = {1000, *range(step, requests + 1, step)}
        readings = []

        def client():
            nonlocal done
            while True:
                with lock:
                    if done >= requests:
                        return
                    done += 1
                    if done in marks:
                        readings.append((done, rss_kib(pid)))
                request = urllib.request.Request(
                    server.url + random.choice(urls),
                    headers={"Cookie": f"sessionid={random.choice(config['sessions'])}"},
                )
                with urllib.request.urlopen(request, timeout=60) as response:
                    response.read()

        threads = [threading.Thread(target=client) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        readings.append((done, rss_kib(pid)))
        return sorted(dict(readings).items())
    finally:
        server.stop()


def two_nodes(env, config, config_path, users: int, run_time: int, workdir: Path) -> list[str]:
    """Throughput of one node against two nodes on this machine, for the plain and the lesson
    page (docs/deploy.md explains the ratio)."""
    lines = [
        f"{'page':14} {'1 node req/s':>13} {'2 nodes req/s':>14} {'ratio':>6}  "
        f"({users} users; 2 nodes: {users // 2} per node)"
    ]
    measured = {}
    one = Server(2, env)
    one.warm_up(config)
    try:
        for scenario, name in (("plain", "plain page"), ("lesson", "lesson page")):
            measured[name] = [locust(one, config_path, scenario, users, run_time, workdir)[name]]
    finally:
        one.stop()
    nodes = [Server(2, env), Server(2, env)]
    try:
        for node in nodes:
            node.warm_up(config)
        for scenario, name in (("plain", "plain page"), ("lesson", "lesson page")):
            results = [None, None]

            def run(i, scenario=scenario, results=results):
                results[i] = locust(
                    nodes[i], config_path, scenario, users // 2, run_time, workdir, tag=f"-n{i}"
                )

            threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            measured[name].append(
                {
                    "rps": sum(r[name]["rps"] for r in results),
                    "failures": sum(r[name]["failures"] for r in results),
                }
            )
    finally:
        for node in nodes:
            node.stop()
    for name, (single, double) in measured.items():
        ratio = double["rps"] / single["rps"] if single["rps"] else 0.0
        lines.append(
            f"{name:14} {single['rps']:13.1f} {double['rps']:14.1f} {ratio:6.2f}×"
            + (f"  {double['failures']} failures" if double["failures"] else "")
        )
    lines.append(
        f"{os.cpu_count()} cores run both nodes' workers, PostgreSQL and the load generator: "
        "a second node adds processes, not CPU, so the ratio stays near 1× here; on separate "
        "machines each node brings its own cores (docs/deploy.md)."
    )
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="2,8,16")
    parser.add_argument("--run-time", type=int, default=20)
    parser.add_argument("--memory-requests", type=int, default=10000)
    parser.add_argument(
        "--scenario-run-time",
        type=int,
        default=8,
        help="seconds per request type and step of the measurement week and the auditor's "
        "day (0: leave them out)",
    )
    parser.add_argument(
        "--teachers", type=int, default=16, help="teachers, each with a group of 30 families"
    )
    parser.add_argument(
        "--write", action="store_true", help="append the table to docs/performance.md"
    )
    parser.add_argument(
        "--two-nodes", action="store_true", help="one node against two (issue #27) only"
    )
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print("load.py needs PostgreSQL: run it through scripts/with-services.sh", file=sys.stderr)
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="glans-load-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "glans_site.settings.dev",
        "DJANGO_DEBUG": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "GLANS_VAR_DIR": str(workdir),
        "PYTHONPATH": str(ROOT),
    }
    if os.environ.get("GLANS_TEST_REDIS_URL"):
        env["CELERY_BROKER_URL"] = os.environ["GLANS_TEST_REDIS_URL"]
        # The workers share Django's cache in Redis, as in production (and with it the course
        # tree's version, so each worker keeps the tree's rows: GLANS_COURSE_TREE_CACHE).
        env["DJANGO_CACHE_URL"] = os.environ["GLANS_TEST_REDIS_URL"]
    os.environ.update(env)
    config = build_site(workdir, teachers=max(1, args.teachers))
    config_path = workdir / "config.json"
    config_path.write_text(json.dumps(config))

    load_before = os.getloadavg()[0]
    if args.two_nodes:
        users = max(2, int(args.users.split(",")[-1] or 8))
        lines = [
            f"GLANS load test, one node → two · {datetime.date.today()} · {platform.machine()} · "
            f"{os.cpu_count()} cores (load {load_before:.1f} at start) · Python "
            f"{platform.python_version()} · gunicorn 2 sync workers per node · PostgreSQL · "
            f"{args.run_time} s per step",
            *two_nodes(env, config, config_path, users, args.run_time, workdir),
            f"load average at the end: {os.getloadavg()[0]:.1f}",
        ]
        table = "\n".join(lines)
        print(table)
        if args.write:
            with open(ROOT / "docs" / "performance.md", "a") as handle:
                handle.write(f"\n```\n{table}\n```\n")
        return 0
    lines = [
        f"GLANS load test · {datetime.date.today()} · {platform.machine()} · {os.cpu_count()} cores "
        f"(load {load_before:.1f} at start) · Python {platform.python_version()} · gunicorn 2 sync "
        f"workers · PostgreSQL · Redis · {args.run_time} s per step",
        f"{'users':>5}  {'page':14} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}  vs plain",
    ]
    failed = False
    plains = {}
    server = Server(2, env)
    server.warm_up(config)
    steps = [int(u) for u in args.users.split(",") if u.strip()]  # --users "": memory only
    try:
        for users in steps:
            plain = locust(server, config_path, "plain", users, args.run_time, workdir)[
                "plain page"
            ]
            lesson = locust(server, config_path, "lesson", users, args.run_time, workdir)[
                "lesson page"
            ]
            plains[users] = plain
            share, p95 = lesson["rps"] / plain["rps"], lesson["p95"] / plain["p95"]
            failed |= not met(share, p95)
            lines.append(
                f"{users:>5}  {'plain page':14} {plain['rps']:7.1f} {plain['p50']:7.0f} {plain['p95']:7.0f}"
            )
            lines.append(
                f"{users:>5}  {'lesson page':14} {lesson['rps']:7.1f} {lesson['p50']:7.0f} {lesson['p95']:7.0f}"
                f"  {verdict(share, p95)}"
            )
        if args.scenario_run_time and steps:
            lines.append("")
            more, bad = week_and_audit(server, config, config_path, steps, plains, args, workdir)
            lines.extend(more)
            failed |= bad
        lines.append("")
        lines.append(
            "learner journey (login once per user; directors also open the team dashboard):"
        )
        for users in steps:
            rows = locust(server, config_path, "journey", users, args.run_time, workdir)
            total = rows.pop("Aggregated")
            lines.append(
                f"{users:>5} users: {total['rps']:.1f} req/s, {total['failures']} failures of {total['count']}"
            )
            for name, row in sorted(rows.items()):
                lines.append(
                    f"       {name:16} {row['count']:6} req {row['p50']:6.0f} ms p50 {row['p95']:6.0f} ms p95"
                    + (f"  {row['failures']} failed" if row["failures"] else "")
                )
                failed |= bool(row["failures"]) and name != "login"
    finally:
        server.stop()
    readings = memory(env, config, args.memory_requests)
    (_first, at_1k), (done, at_end) = readings[0], readings[-1]
    lines.append("")
    lines.append(
        "memory of one worker (gunicorn -w 1), RSS after n requests: "
        + ", ".join(f"{n:,}: {rss / 1024:.1f} MiB" for n, rss in readings)
        + f" ({(at_end - at_1k) / 1024:+.1f} MiB from 1,000 to {done:,})"
    )
    lines.append(f"load average at the end: {os.getloadavg()[0]:.1f}")
    table = "\n".join(lines)
    print(table)
    if args.write:
        with open(ROOT / "docs" / "performance.md", "a") as handle:
            handle.write(f"\n```\n{table}\n```\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
