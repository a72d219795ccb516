#!/usr/bin/env python
"""Load test: a real server (gunicorn, PostgreSQL, Redis as Celery broker) under learners.

Run through scripts/with-services.sh (`make load`), which provides a throwaway PostgreSQL and
Redis on loopback. Builds a programme of 50 lessons, a plain page at lesson depth behind the
same login restriction, 20 learners and 2 directors; starts gunicorn on a free loopback port
and drives it with locust (headless, bounded by --run-time) at increasing concurrency:

1. the lesson page and the plain page alone, side by side: throughput and p50/p95;
2. the learner journey (bench/locustfile.py): log in, my route, lesson, answer, programme
   page, and the team dashboard for directors;
3. memory: one worker (gunicorn -w 1) serving --memory-requests requests; its RSS after
   1,000 and after all of them.

--two-nodes (issue #27) measures instead how throughput scales from one node to two: the
plain page and the lesson page at --users concurrent users against one gunicorn (2 workers),
then against two gunicorn nodes (2 workers each, the same database) with the users split
between them (one locust per node, as a round-robin load balancer would split them).

Usage: scripts/with-services.sh .venv/bin/python bench/load.py [--users 2,8,16]
       [--run-time 20] [--memory-requests 10000] [--write] [--two-nodes]
Targets: lesson page throughput >= 85% of the plain page's, p95 <= 1.5x the plain page's.
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
PASSWORD = "glans-load-wachtwoord"  # noqa: S105 - throwaway accounts in a throwaway database


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_site(workdir: Path) -> dict:
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
    from django.db import connection
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
    unit = OrganisationUnit.objects.create(
        board=Board.objects.create(name="Load"), name="School", unit_type="po"
    )
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
    accounts, sessions = [], []
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
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    connection.close()
    return {
        "plain": plain.url,
        "programme": programme.url,
        "module": module.url,
        "lessons": [lesson.url for lesson in lessons[10:40]],
        "answers": answers,
        "accounts": accounts,
        "sessions": sessions,
        "password": PASSWORD,
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
        for _ in range(rounds * workers_hint(self)):
            for path in [
                *config["lessons"][:3],
                config["programme"],
                config["plain"],
                "/leren/team/",
            ]:
                request = urllib.request.Request(
                    self.url + path, headers={"Cookie": f"sessionid={config['sessions'][-1]}"}
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
    config = build_site(workdir)
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
            share, p95 = lesson["rps"] / plain["rps"], lesson["p95"] / plain["p95"]
            ok = share >= 0.85 and p95 <= 1.5
            failed |= not ok
            lines.append(
                f"{users:>5}  {'plain page':14} {plain['rps']:7.1f} {plain['p50']:7.0f} {plain['p95']:7.0f}"
            )
            lines.append(
                f"{users:>5}  {'lesson page':14} {lesson['rps']:7.1f} {lesson['p50']:7.0f} {lesson['p95']:7.0f}"
                f"  throughput {share:.2f} (≥0.85), p95 {p95:.2f}× (≤1.5) {'ok' if ok else 'MISSED'}"
            )
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
