#!/usr/bin/env python
"""Benchmark: latency of our pages against a plain Wagtail page, in one process and one run.

Serves, to a logged-in learner with progress, a plain Wagtail page with ~800 words and, with
the same text, our lesson page and our module and programme pages for programmes of 5, 50 and
200 lessons. Prints the median latency of each and its ratio to the plain page.

Usage: python bench/run.py [--requests N] [--warmup N] [--profile PAGE] [--write]
With --profile, one page is profiled instead (BENCH_PROFILE_FILTER: a regular expression for
the functions listed; BENCH_PROFILE_CALLEES: a function whose callees are listed too; BENCH_PROFILE_CALLERS: one
whose callers are;
BENCH_PROFILE_BASE: the page to subtract, by default the same-depth plain page;
BENCH_PROFILE_SORT: tottime for the time in each function itself, calls for how many more
calls it gets than on the base page).
BENCH_QUERIES="page|page" prints the SQL of one request of each page instead.
--write appends the table (with machine, date and load) to docs/performance.md.

Two baselines: the plain page at lesson depth behind the same login restriction (what our page
code adds) and the plain page at the top level (what a learner pays in all).
Targets, at 5, 50 and 200 lessons (issue #16 against the same-depth page, issue #30 against
the top level): lesson page <= 1.15x same depth and <= 1.15x top level; module and programme
pages <= 1.5x same depth and <= 1.15x top level; a lesson with three XBlock exercises <= 1.3x
same depth and <= 1.3x top level.
The dashboards and work lists of bench/screens.py (team dashboard at 10 and 200 learners,
learner dashboard, rating grid, school measurement dashboard, certification overview,
auditor work list), each requested by its own user: <= 2.0x top level (issue #30).
"""

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


EXERCISES = [
    (
        "poll",
        '<poll question="Hoe vaak spreek je elke ouder?" answers=\'[["vaak", {"label": '
        '"Elke week", "img": null, "img_alt": null}], ["soms", {"label": "Elke maand", '
        '"img": null, "img_alt": null}]]\' />',
    ),
    ("freetextresponse", '<freetextresponse prompt="Beschrijf je eerste gesprek." />'),
    (
        "glans-conversation",
        '<glans-conversation display_name="Een ouder"><intro>Een moeder staat in de klas.</intro>'
        '<step id="start" speaker="Moeder"><says>Ik blijf even kijken.</says>'
        '<choice points="2" letter="N"><text>Zullen we om half vier praten?</text>'
        "<feedback>Je nodigt uit.</feedback></choice>"
        '<choice points="0" letter="G"><text>Dat kan niet.</text>'
        "<feedback>Je begrenst zonder uit te nodigen.</feedback></choice></step>"
        "</glans-conversation>",
    ),
]


def add_exercises(lesson):
    """Three XBlock exercises after the lesson's text (published)."""
    import uuid

    raw = list(lesson.body.raw_data)
    for xblock_type, olx in EXERCISES:
        raw.append(
            {
                "type": "exercise",
                "id": str(uuid.uuid4()),
                "value": {"xblock_type": xblock_type, "title": xblock_type, "olx": olx},
            }
        )
    lesson.body = raw
    lesson.save_revision().publish()


# The first request to a page type after start-up, against its warm median (issue #30).
FIRST_VIEW_LIMIT = 3.0

# Dashboards and work lists (bench/screens.py, issue #30): <= 2.0x the top-level plain page.
SCREENS = ("team dashboard", "learner dashboard", "rating grid", "school measurement")
SCREENS += ("certification overview", "auditor work list")


def target_for(name: str):
    """(limit against the same-depth plain page, limit against the top-level plain page):
    issue #16's limits against the same-depth page, issue #30's against the top level."""
    if name.startswith("plain"):
        return None, None
    if name.startswith(SCREENS):
        return None, 2.0
    if "XBlock" in name:
        return 1.3, 1.3
    if name.startswith("lesson"):
        return 1.15, 1.15
    return 1.5, 1.15  # module and programme pages, at every size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument(
        "--write", action="store_true", help="append the table to docs/performance.md"
    )
    parser.add_argument(
        "--profile",
        metavar="PAGE",
        help="instead of timing, profile one page (e.g. 'lesson page (200 lessons)') with cProfile",
    )
    args = parser.parse_args()

    workdir = Path(tempfile.mkdtemp(prefix="glans-bench-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.test"
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    os.environ["GLANS_VAR_DIR"] = str(workdir)

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)

    import datetime

    from django.test import Client
    from django.utils import timezone
    from wagtail.models import Site

    from glans_learning.courses import services
    from glans_learning.courses.models import Enrollment, LessonPage, ModulePage
    from glans_learning.organisations.models import Board, OrganisationUnit, SchoolYear
    from glans_learning.organisations.services import membership_grant
    from glans_site.demo.models import PlainPage
    from tests.builders import WORDS, build_programme

    today = timezone.localdate()
    year = SchoolYear.objects.create(
        label="bench",
        start_date=today - datetime.timedelta(days=10),
        end_date=today + datetime.timedelta(days=300),
    )
    board = Board.objects.create(name="Bench")
    unit = OrganisationUnit.objects.create(board=board, name="School", unit_type="po")
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.create_user("lerende")
    membership_grant(user=user, unit=unit, role_codes=["learner"])

    text = " ".join([WORDS] * (800 // len(WORDS.split())))
    site_root = Site.objects.get(is_default_site=True).root_page

    def plain_page(parent, slug, body=""):
        page = PlainPage(title=slug.title(), slug=slug, body=body)
        parent.add_child(instance=page)
        page.save_revision().publish()
        return page

    # The baseline sits where a lesson sits: four levels down, in a section that needs a
    # login (our programmes do), so Wagtail's own routing and restriction checks cost the
    # same for both and the ratio shows what our code adds. A shallow plain page is printed
    # too, for reference.
    from wagtail.models import PageViewRestriction

    section = plain_page(site_root, "sectie")
    PageViewRestriction.objects.create(page=section, restriction_type=PageViewRestriction.LOGIN)
    plain = plain_page(
        plain_page(plain_page(section, "deel"), "hoofdstuk"), "gewoon", f"<p>{text}</p>"
    )
    shallow = plain_page(site_root, "ondiep", f"<p>{text}</p>")

    urls = {"plain page (800 words)": plain.url, "plain page, top level (reference)": shallow.url}
    for size in (5, 50, 200):
        programme = build_programme(
            workdir / f"m{size}", slug=f"p{size}", modules=1, lessons_per_module=size, words=800
        )
        Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=unit)
        module = ModulePage.objects.child_of(programme).get()
        lessons = list(LessonPage.objects.child_of(module).order_by("path"))
        for lesson in lessons[: max(1, size // 2)]:
            services.lesson_open(user=user, lesson=lesson)
        urls[f"lesson page ({size} lessons)"] = lessons[len(lessons) // 2].url
        urls[f"module page ({size} lessons)"] = module.url
        urls[f"programme page ({size} lessons)"] = programme.url
        if size == 50:
            exercise_lesson = lessons[len(lessons) // 2 + 1]
            services.lesson_open(user=user, lesson=exercise_lesson)
            add_exercises(exercise_lesson)
            exercise_url = exercise_lesson.url
    urls["lesson page, 3 XBlock exercises"] = exercise_url

    client = Client()
    client.force_login(user)
    # The dashboards and work lists, each with its own logged-in client (bench/screens.py).
    from bench.screens import build as build_screens

    clients = {}
    for name, (screen_client, url) in build_screens(
        board=board, year=year, workdir=workdir, learner=user, learner_client=client
    ).items():
        urls[name], clients[name] = url, screen_client

    def get(name):
        return clients.get(name, client).get(urls[name])

    if os.environ.get("BENCH_ONLY"):  # a regular expression: measure only these pages
        import re

        keep = re.compile(os.environ["BENCH_ONLY"])
        urls = {n: u for n, u in urls.items() if n.startswith("plain") or keep.search(n)}

    # A live database has planner statistics (autovacuum on PostgreSQL); freshly filled
    # tables don't, and PostgreSQL then picks nested loops that a real site never sees.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    if os.environ.get("BENCH_QUERIES"):
        from django.test.utils import CaptureQueriesContext

        for name in os.environ["BENCH_QUERIES"].split("|"):
            get(name)
            with CaptureQueriesContext(connection) as ctx:
                get(name)
            print(f"== {name}: {len(ctx.captured_queries)} queries")
            for q in ctx.captured_queries:
                # Each query again, 200 times, straight on the cursor: what the database costs.
                start = time.perf_counter()
                with connection.cursor() as cursor:
                    for _ in range(200):
                        cursor.execute(q["sql"])
                        cursor.fetchall()
                took = (time.perf_counter() - start) / 200 * 1000
                print(f"  {took:6.3f} ms", q["sql"][:300])
        return 0
    if args.profile:
        import cProfile
        import pstats

        def profile(name):
            assert get(name).status_code == 200, name
            for _ in range(args.warmup):
                get(name)
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests):
                get(name)
            profiler.disable()
            return pstats.Stats(profiler)

        stats = profile(args.profile)
        stats.sort_stats("cumulative").print_stats(os.environ.get("BENCH_PROFILE_FILTER", ""), 60)
        if os.environ.get("BENCH_PROFILE_CALLEES"):
            stats.print_callees(os.environ["BENCH_PROFILE_CALLEES"])
        if os.environ.get("BENCH_PROFILE_CALLERS"):  # who calls a function, and how often
            stats.print_callers(os.environ["BENCH_PROFILE_CALLERS"])
        # What this page spends beyond the plain page, per function (cumulative seconds).
        default_base = (
            "plain page, top level (reference)"
            if args.profile.startswith(SCREENS)
            else "plain page (800 words)"
        )
        base = profile(os.environ.get("BENCH_PROFILE_BASE", default_base)).stats
        # BENCH_PROFILE_SORT=tottime: the time spent in each function itself instead;
        # =calls: how many more calls (what grows with the page's size, free of noise).
        column = {"tottime": 2, "calls": 1}.get(os.environ.get("BENCH_PROFILE_SORT", ""), 3)
        extra = sorted(
            ((v[column] - base.get(k, (0, 0, 0, 0))[column], k) for k, v in stats.stats.items()),
            reverse=True,
        )
        print("cumulative seconds beyond the plain page:")
        for delta, (filename, line, func) in extra[
            : int(os.environ.get("BENCH_PROFILE_LINES", 60))
        ]:
            print(
                f"{delta:8.3f}  {func}  {filename}:{line}"
                if column > 1
                else f"{delta:8d}  {func}  {filename}:{line}"
            )
        return 0
    load_before = os.getloadavg()[0]
    medians = {}
    # First view after start-up (a deploy): nothing has been rendered in this process yet, so
    # the first request of each page pays its template compilation and, for exercises, the
    # XBlock catalogue. The plain pages go first and so also pay what every page shares.
    # ... after the warm-up that the WSGI entry point runs before a worker takes traffic.
    from glans_learning.warmup import warm_up

    warm_up()
    first = {}
    for name, url in urls.items():
        start = time.perf_counter()
        assert get(name).status_code == 200, url
        first[name] = time.perf_counter() - start
        for _ in range(args.warmup - 1):
            assert get(name).status_code == 200, url
    # Interleave the pages so that machine noise hits all of them alike.
    samples = {name: [] for name in urls}
    for _ in range(args.requests):
        for name, url in urls.items():
            start = time.perf_counter()
            response = get(name)
            samples[name].append(time.perf_counter() - start)
            assert response.status_code == 200, url
    for name, values in samples.items():
        medians[name] = statistics.median(values)

    from django.test.utils import CaptureQueriesContext

    # Queries of a warm request: the fewest of three, so that a request which happens to
    # re-read what a cache dropped (LocMemCache culls at 300 entries) does not stand for the
    # page; when the three differ, a note under the table says so. The tests pin the counts.
    queries, uneven = {}, {}
    for name in urls:
        counts = []
        for _ in range(3):
            with CaptureQueriesContext(connection) as ctx:
                get(name)
            counts.append(len(ctx.captured_queries))
        queries[name] = min(counts)
        if len(set(counts)) > 1:
            uneven[name] = counts

    same = medians["plain page (800 words)"]
    top = medians["plain page, top level (reference)"]
    lines = [
        f"GLANS page benchmark · {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC · "
        f"{platform.machine()} · {os.cpu_count()} cores · load {load_before:.1f}–"
        f"{os.getloadavg()[0]:.1f} · Python {platform.python_version()} · "
        f"{settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} · "
        f"{args.requests} requests per page",
        f"{'page':34} {'median ms':>9} {'queries':>7} {'÷same':>6} {'÷top':>6} "
        f"{'first÷median':>12}  targets",
    ]
    failed = False
    for name, value in medians.items():
        limit_same, limit_top = target_for(name)
        verdicts = []
        for ratio, limit, label in (
            (value / same, limit_same, "same"),
            (value / top, limit_top, "top"),
        ):
            if limit is not None:
                ok = ratio <= limit
                failed |= not ok
                verdicts.append(f"{label} ≤{limit:.2f} {'ok' if ok else 'MISSED'}")
        cold = first[name] / value
        if not name.startswith("plain"):
            ok = cold <= FIRST_VIEW_LIMIT
            failed |= not ok
            verdicts.append(f"first ≤{FIRST_VIEW_LIMIT:.0f} {'ok' if ok else 'MISSED'}")
        lines.append(
            f"{name:34} {value * 1000:9.2f} {queries[name]:7} {value / same:6.2f} "
            f"{value / top:6.2f} {cold:12.1f}  {', '.join(verdicts)}"
        )
    for name, counts in uneven.items():
        lines.append(f"note: {name}: {'/'.join(map(str, counts))} queries in three requests")
    table = "\n".join(lines)
    print(table)
    if args.write:
        with open(ROOT / "docs" / "performance.md", "a") as handle:
            handle.write(f"\n```\n{table}\n```\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
