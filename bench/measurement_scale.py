#!/usr/bin/env python
"""Benchmark of the oudervolgsysteem at national scale (issue #10), not a test.

Builds, on PostgreSQL, a synthetic nation with COPY: ``6,000 × scale`` schools in boards of
15, each with 8 groups of about 42 families (≈ 333 relationships a year), four school years
of 5 moments each, every relationship rated at every moment (at scale 1: ≈ 8M
relationships over four years and ≈ 40M ratings). A sample school, board and group have
the same size at every scale, so their pages should cost the same whatever the nation's size.

In one run it loads the small scale (1/1000) and measures, then adds the rest of the larger
scale (``--scale``, default 1/20) and measures again:
- the school dashboard (director), board dashboard (board-level Expertgroep) and academy
  dashboard (trainer), and the API for a school and a board; the ratio of each to its own
  small-scale time (target ≤ 1.5) and of the school dashboard to a plain Wagtail page (≤ 3);
- rating a group of 30 in one request (``PUT …/ratings``; ≤ 2× the plain page);
- importing a 1k-row and a 100k-row CSV (parse + all-or-nothing import): rows per second.

Usage: scripts/with-services.sh .venv/bin/python bench/measurement_scale.py [--scale 0.01]
       [--requests 30] [--import-rows 100000]   (``make bench-measurement``)
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SCHOOLS_AT_FULL_SCALE = 6000
SCHOOLS_PER_BOARD = 15
GROUPS = 8
FAMILIES_PER_GROUP = 42
YEARS = 4
MOMENTS_PER_YEAR = 5
RATING_MIX = ("positive",) * 7 + ("neutral",) * 2 + ("negative",)


class Loader:
    """COPY rows into a model's table, with explicit ids; every other column gets the field's
    default (or now() for auto_now fields), so the loader follows the models."""

    def __init__(self, connection):
        self.connection = connection
        self.next_ids = {}

    def ids(self, model, n):
        start = self.next_ids.get(model, self._max_id(model) + 1)
        self.next_ids[model] = start + n
        return range(start, start + n)

    def _max_id(self, model):
        with self.connection.cursor() as cursor:
            table = self.connection.ops.quote_name(model._meta.db_table)  # from the model
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
            return cursor.fetchone()[0]

    def copy(self, model, rows):
        """`rows`: dicts of attname → value, each with "id"."""
        from django.utils import timezone

        now = timezone.now()
        fields = list(model._meta.concrete_fields)
        columns = [f.column for f in fields]
        defaults = {}
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                defaults[f.attname] = now
            else:  # the field's default; "" for text fields without one
                defaults[f.attname] = f.get_default()
        table = model._meta.db_table
        sql = f'COPY "{table}" ({", ".join(chr(34) + c + chr(34) for c in columns)}) FROM STDIN'
        count = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row([row.get(f.attname, defaults[f.attname]) for f in fields])
                count += 1
        return count

    def copy_ratings(self, model, plan, ids):
        """The ratings of `plan` ((relationship id, [moment ids]) pairs) as one text COPY
        stream written in blocks: the bulk of the nation, so no per-row dicts."""
        from django.utils import timezone

        now = timezone.now().isoformat()
        table = model._meta.db_table
        columns = "id, relationship_id, moment_id, value, next_step, note, "
        columns += "cooperation_impossible, follow_up, rated_at, practised_lesson"
        sql = f'COPY "{table}" ({columns}) FROM STDIN'
        mix = RATING_MIX
        ids = iter(ids)
        count = 0
        with self.connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            block = []
            for rid, mids in plan:
                for mid in mids:
                    block.append(
                        f"{next(ids)}\t{rid}\t{mid}\t{mix[(rid * 7 + mid) % 10]}\tkeep\t\tf\t\t{now}\t\n"
                    )
                if len(block) >= 50_000:
                    copy.write("".join(block))
                    count += len(block)
                    block = []
            copy.write("".join(block))
            count += len(block)
        return count

    def reset_sequences(self, models):
        from django.core.management.color import no_style

        with self.connection.cursor() as cursor:
            for statement in self.connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(statement)


CHUNK_SCHOOLS = 60  # schools generated and COPYed at a time: memory stays flat at any scale


def build_nation(loader, *, schools_from, schools_to, years, moments_by_year_unit, today, log=None):
    """Schools `schools_from` … `schools_to - 1` with their boards, groups, families,
    relationships, moments and ratings, streamed in chunks of `CHUNK_SCHOOLS` schools.
    Returns the number of ratings written."""
    from glans_learning.organisations.models import Board

    n = schools_to - schools_from
    if n <= 0:
        return 0
    first_board = schools_from // SCHOOLS_PER_BOARD
    last_board = (schools_to - 1) // SCHOOLS_PER_BOARD
    existing_boards = dict(Board.objects.values_list("name", "pk"))
    board_ids = {}
    new_boards = []
    for b in range(first_board, last_board + 1):
        name = f"Bestuur {b:05d}"
        if name in existing_boards:
            board_ids[b] = existing_boards[name]
        else:
            new_boards.append(b)
    for b, pk in zip(new_boards, loader.ids(Board, len(new_boards)), strict=True):
        board_ids[b] = pk
    loader.copy(Board, ({"id": board_ids[b], "name": f"Bestuur {b:05d}"} for b in new_boards))
    total = 0
    began = time.perf_counter()
    for chunk_from in range(schools_from, schools_to, CHUNK_SCHOOLS):
        chunk_to = min(schools_to, chunk_from + CHUNK_SCHOOLS)
        total += _build_chunk(
            loader,
            schools=range(chunk_from, chunk_to),
            board_ids=board_ids,
            years=years,
            moments_by_year_unit=moments_by_year_unit,
            today=today,
        )
        if log and (chunk_to - schools_from) % (CHUNK_SCHOOLS * 10) == 0:
            done = chunk_to - schools_from
            elapsed = time.perf_counter() - began
            log(
                f"  {done}/{n} schools, {total:,} ratings, {elapsed:.0f} s "
                f"(≈{elapsed / done * (n - done):.0f} s to go)"
            )
    return total


def _build_chunk(loader, *, schools, board_ids, years, moments_by_year_unit, today):
    from glans_learning.measurement.models import (
        Family,
        MeasurementMoment,
        Rating,
        Relationship,
    )
    from glans_learning.organisations.models import Group, OrganisationUnit

    n = len(schools)
    unit_ids = dict(zip(schools, loader.ids(OrganisationUnit, n), strict=True))
    loader.copy(
        OrganisationUnit,
        (
            {
                "id": unit_ids[s],
                "board_id": board_ids[s // SCHOOLS_PER_BOARD],
                "name": f"School {s:05d}",
                "unit_type": "po",
                "city": "Stad",
                "is_active": True,
            }
            for s in schools
        ),
    )
    # Groups per school and year; families per school (stable across years).
    group_rows, family_rows, rel_rows, moment_rows = [], [], [], []
    group_ids = iter(loader.ids(Group, n * GROUPS * len(years)))
    family_ids = iter(loader.ids(Family, n * GROUPS * FAMILIES_PER_GROUP))
    rel_ids = iter(loader.ids(Relationship, n * GROUPS * FAMILIES_PER_GROUP * len(years)))
    moment_ids = iter(loader.ids(MeasurementMoment, n * MOMENTS_PER_YEAR * len(years)))
    ratings_plan = []
    for s in schools:
        unit_id = unit_ids[s]
        board_id = board_ids[s // SCHOOLS_PER_BOARD]
        families = []
        for f in range(GROUPS * FAMILIES_PER_GROUP):
            fid = next(family_ids)
            families.append(fid)
            family_rows.append(
                {"id": fid, "board_id": board_id, "unit_id": unit_id, "code": f"B{s:05d}F{f:04d}"}
            )
        for y_index, year in enumerate(years):
            moments = []
            for m in range(MOMENTS_PER_YEAR):
                mid = next(moment_ids)
                date = year.start_date + datetime.timedelta(days=60 * m + 60)
                if date == today:
                    date += datetime.timedelta(days=1)
                # One moment of the current year is open now; the others were one-day windows.
                is_open = y_index == len(years) - 1 and m == 0
                moment_rows.append(
                    {
                        "id": mid,
                        "unit_id": unit_id,
                        "school_year_id": year.pk,
                        "date": date,
                        "opens_on": today - datetime.timedelta(days=7) if is_open else date,
                        "closes_on": today + datetime.timedelta(days=7) if is_open else date,
                        "title": "",
                    }
                )
                moments.append((mid, is_open))
            moments_by_year_unit[(year.pk, unit_id)] = [mid for mid, _o in moments]
            rated = [mid for mid, is_open in moments if not is_open]
            for g in range(GROUPS):
                gid = next(group_ids)
                group_rows.append(
                    {
                        "id": gid,
                        "unit_id": unit_id,
                        "name": f"Groep {g + 1}",
                        "grade": g + 1,
                        "school_year_id": year.pk,
                    }
                )
                for f in range(FAMILIES_PER_GROUP):
                    rid = next(rel_ids)
                    rel_rows.append(
                        {
                            "id": rid,
                            "unit_id": unit_id,
                            "school_year_id": year.pk,
                            "group_id": gid,
                            "family_id": families[g * FAMILIES_PER_GROUP + f],
                            "label": "",
                            "is_active": True,
                        }
                    )
                    # The open moment of this year is left unrated: teachers rate it now.
                    ratings_plan.append((rid, rated))
    loader.copy(Family, family_rows)
    loader.copy(Group, group_rows)
    loader.copy(Relationship, rel_rows)
    loader.copy(MeasurementMoment, moment_rows)
    total = sum(len(m) for _r, m in ratings_plan)
    return loader.copy_ratings(Rating, ratings_plan, loader.ids(Rating, total))


def time_requests(client_for, urls, *, requests, warmup, method="get", bodies=None):
    """Median seconds per (name → (user, url)), interleaved."""
    import json

    samples = {name: [] for name in urls}

    def one(name):
        user, url = urls[name]
        client = client_for(user)
        if method == "put" or (bodies and name in bodies):
            return client.put(url, json.dumps(bodies[name]), content_type="application/json"), None
        return client.get(url), None

    for name in urls:
        for _ in range(warmup):
            response, _x = one(name)
            assert response.status_code == 200, (name, response.status_code, response.content[:300])
    for _ in range(requests):
        for name in urls:
            start = time.perf_counter()
            response, _x = one(name)
            samples[name].append(time.perf_counter() - start)
            assert response.status_code == 200, (name, response.status_code)
    return {name: statistics.median(v) for name, v in samples.items()}


def explain(client_for, target):
    """The five slowest queries of one request, with EXPLAIN ANALYZE."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user, url = target
    with CaptureQueriesContext(connection) as captured:
        client_for(user).get(url)
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:5]
    with connection.cursor() as cursor:
        for query in slowest:
            print(f"--- {query['time']} s: {query['sql'][:400]}")
            if query["sql"].lstrip().upper().startswith("SELECT"):
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + query["sql"])
                print("\n".join(row[0] for row in cursor.fetchall()))


def log(message):
    print(f"[{datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)


def import_rate(n, *, board, school_year):
    """Rows per second (and seconds) to parse and import a CSV of `n` rows into a fresh
    school, all or nothing."""
    from glans_learning.measurement import imports
    from glans_learning.measurement.models import Relationship
    from glans_learning.organisations.models import OrganisationUnit

    unit = OrganisationUnit.objects.create(
        board=board, name=f"Import {n} {time.time_ns()}", unit_type="po"
    )
    csv = "groep;leerlingnummer\n" + "\n".join(
        f"Groep {1 + i % 8}-{i // 400};L{i:07d}" for i in range(n)
    )
    backend_cpu = _backend_cpu_clock()
    cpu_before = time.process_time(), backend_cpu()
    began = time.perf_counter()
    rows, problems = imports.parse_table("lijst.csv", csv.encode())
    preview = imports.relationships_import(
        unit=unit, school_year=school_year, rows=rows, problems=problems
    )
    elapsed = time.perf_counter() - began
    cpu = time.process_time() - cpu_before[0], backend_cpu() - cpu_before[1]
    assert preview.ok and Relationship.objects.filter(unit=unit).count() == n
    # On a shared machine the wall clock also counts other people's work: the CPU seconds
    # of this process and of its PostgreSQL backend say what the import itself costs.
    print(
        f"import {n:,} rows: {n / elapsed:,.0f} rows/s wall ({elapsed:.2f} s); CPU "
        f"{cpu[0]:.2f} s Python + {cpu[1]:.2f} s PostgreSQL = {n / sum(cpu):,.0f} rows per "
        f"CPU second ({sum(cpu) / n * 1e6:.0f} µs a row)",
        file=sys.stderr,
    )
    return n / elapsed, elapsed


def _backend_cpu_clock():
    """A clock of the CPU seconds of this connection's PostgreSQL backend (from /proc; 0
    when the server is not on this machine)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    tick = os.sysconf("SC_CLK_TCK")

    def clock():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / tick

    return clock


def import_rates(sizes):
    """Import speed for each size, into the first board and the newest school year."""
    from glans_learning.organisations.models import Board, SchoolYear

    board = Board.objects.order_by("pk").first() or Board.objects.create(name="Bestuur")
    year = SchoolYear.objects.order_by("-start_date").first() or SchoolYear.objects.create(
        label="2026-2027", start_date=datetime.date(2026, 8, 1), end_date=datetime.date(2027, 7, 31)
    )
    return {n: import_rate(n, board=board, school_year=year) for n in sizes}


def import_rates_in_subprocess(rows):
    """`import_rates` in a fresh process on the same database: the import code is loaded
    when this phase starts, and the process's memory holds only the import."""
    import json
    import subprocess

    out = subprocess.run(  # noqa: S603 (this script, with a number)
        [sys.executable, __file__, "--import-only", "--import-rows", str(rows)],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
    ).stdout
    return {int(k): v for k, v in json.loads(out.strip().splitlines()[-1]).items()}


def print_rates(rates):
    (small, (r1, s1)), (large, (rn, sn)) = sorted(rates.items())[0], sorted(rates.items())[-1]
    print(
        f"import {small:,} rows: {r1:,.0f} rows/s ({s1:.2f} s); "
        f"{large:,} rows: {rn:,.0f} rows/s ({sn:.1f} s); ratio {rn / r1:.2f}"
    )


def print_sizes(connection, schools: int) -> None:
    """Rows and bytes (table, TOAST and indexes) of the oudervolgsysteem's tables after the
    load, per row and per school: the database's growth per year in docs/deploy.md."""
    tables = [
        "glans_measurement_rating",
        "glans_measurement_relationship",
        "glans_measurement_family",
        "glans_measurement_familykey",
        "glans_organisations_group",
    ]
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        print(f"sizes after loading {schools} schools, {YEARS} school years:")
        for table in tables:
            cursor.execute(
                f"SELECT count(*), pg_total_relation_size('{table}'), pg_relation_size('{table}') FROM {table}"  # noqa: S608 - fixed names
            )
            rows, total, heap = cursor.fetchone()
            per_row = total / rows if rows else 0
            print(
                f"  {table:34} {rows:>10,} rows {total / 2**20:9.1f} MiB "
                f"(heap {heap / 2**20:.1f}) {per_row:6.0f} B/row {total / schools / 2**20:7.2f} MiB/school"
            )
        cursor.execute("SELECT pg_database_size(current_database())")
        print(f"  whole database {cursor.fetchone()[0] / 2**20:.1f} MiB")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.05, help="the larger scale (1 = nation)")
    parser.add_argument("--small", type=float, default=0.001, help="the small scale")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument(
        "--sizes", action="store_true", help="load the small scale, print rows and bytes, stop"
    )
    parser.add_argument(
        "--explain", metavar="REQUEST", help="print the slowest queries of one request, explained"
    )
    parser.add_argument(
        "--profile-request",
        metavar="REQUEST",
        help="cProfile 20 of one request at the large scale (cumulative time, top 45)",
    )
    parser.add_argument(
        "--import-after",
        metavar="FILE",
        help="wait until FILE exists before the import phase (to run a long load first)",
    )
    parser.add_argument(
        "--import-only",
        action="store_true",
        help="only the import speed, on the database as it is; prints JSON last",
    )
    parser.add_argument(
        "--profile", metavar="FILE", help="with --import-only: cProfile the largest import"
    )
    args = parser.parse_args()

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres", "postgresql")):
        print("needs PostgreSQL: run through scripts/with-services.sh (make bench-measurement)")
        return 2
    workdir = Path(tempfile.mkdtemp(prefix="glans-bench-m-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = "glans_site.settings.test"
    os.environ["GLANS_VAR_DIR"] = str(workdir)

    import django

    django.setup()
    if args.import_only:
        import json

        from django.conf import settings
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        # 100k rows is the benchmark's stress size, above the upload cap (a setting).
        settings.GLANS_MEASUREMENT_IMPORT_MAX_ROWS = max(args.import_rows, 20_000)
        import_rates([100])  # a warm-up: the first import of a process loads code
        sizes = sorted({1000, 10_000, args.import_rows})
        if args.profile:
            import cProfile

            rates = import_rates(sizes[:-1])
            profiler = cProfile.Profile()
            rates.update(profiler.runcall(import_rates, sizes[-1:]))
            profiler.dump_stats(args.profile)
        else:
            rates = import_rates(sizes)
        print(json.dumps(rates))
        return 0
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone
    from wagtail.models import Site

    from glans_learning.measurement.models import (
        Family,
        MeasurementMoment,
        Rating,
        Relationship,
    )
    from glans_learning.measurement.services import tallies_rebuild
    from glans_learning.organisations.models import Board, Group, OrganisationUnit, SchoolYear
    from glans_learning.organisations.services import membership_grant
    from glans_site.demo.models import PlainPage

    settings.ALLOWED_HOSTS = ["*"]
    import logging

    logging.getLogger("axes").setLevel(logging.WARNING)
    call_command("migrate", verbosity=0)
    today = timezone.localdate()
    start = today.year if today.month >= 8 else today.year - 1
    years = [
        SchoolYear.objects.get_or_create(
            label=f"{y}-{y + 1}",
            defaults={
                "start_date": datetime.date(y, 8, 1),
                "end_date": datetime.date(y + 1, 7, 31),
            },
        )[0]
        for y in range(start - YEARS + 1, start + 1)
    ]
    loader = Loader(connection)
    moments = {}
    from glans_learning.measurement.views import ACADEMY_PAGE_SIZE

    # The academy screen shows one page of schools: the small scale fills that page, so
    # both scales show the same amount.
    small = max(SCHOOLS_PER_BOARD, ACADEMY_PAGE_SIZE, round(SCHOOLS_AT_FULL_SCALE * args.small))
    large = max(small, round(SCHOOLS_AT_FULL_SCALE * args.scale))

    from django.contrib.auth import get_user_model

    User = get_user_model()

    site_root = Site.objects.get(is_default_site=True).root_page
    text = " ".join(["Ouders en school werken samen aan het leren van elk kind."] * 80)
    plain = PlainPage(title="Gewoon", slug="gewoon", body=f"<p>{text}</p>")
    site_root.add_child(instance=plain)
    plain.save_revision().publish()

    def build(schools_from, schools_to):
        began = time.perf_counter()
        units_before = OrganisationUnit.objects.order_by("-pk").values_list("pk", flat=True)
        first_new_unit = (units_before.first() or 0) + 1
        loader.next_ids.clear()  # requests in between have written rows of their own
        with connection.cursor() as cursor:
            # A bulk load into a throwaway cluster: foreign-key triggers off while loading
            # rows that are consistent by construction; ratings unlogged (no WAL; reads
            # are unaffected); checkpoints far apart.
            cursor.execute("SET session_replication_role = replica")
            cursor.execute(f"ALTER TABLE {Rating._meta.db_table} SET UNLOGGED")
            cursor.execute("ALTER SYSTEM SET max_wal_size = '16GB'")
            cursor.execute("ALTER SYSTEM SET checkpoint_timeout = '30min'")
            cursor.execute("SELECT pg_reload_conf()")
        try:
            count = build_nation(
                loader,
                schools_from=schools_from,
                schools_to=schools_to,
                years=years,
                moments_by_year_unit=moments,
                today=today,
                log=log,
            )
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET session_replication_role = DEFAULT")
        loader.reset_sequences(
            [Board, OrganisationUnit, Group, Family, Relationship, MeasurementMoment, Rating]
        )
        # The ratings came in by COPY, past the services: count the new schools' tallies
        # the way a restore or bulk load would (set-based, 100 schools a statement).
        tallied = time.perf_counter()
        rows = tallies_rebuild(
            unit_ids=OrganisationUnit.objects.filter(pk__gte=first_new_unit).values_list(
                "pk", flat=True
            )
        )
        log(f"counted {rows:,} tallies in {time.perf_counter() - tallied:.1f} s")
        log("ANALYZE …")
        with connection.cursor() as cursor:
            # What autovacuum does to a table after many inserts: the relationships' visibility
            # map is set, so counting them reads their (partial) index alone.
            cursor.execute(f"VACUUM {Relationship._meta.db_table}")
            cursor.execute("ANALYZE")
        return count, time.perf_counter() - began

    ratings_small, seconds = build(0, small)
    log(f"loaded {small} schools, {ratings_small:,} ratings in {seconds:.1f} s")
    if args.sizes:
        print_sizes(connection, small)
        return 0

    # The sample school, its board, a director, a teacher of a group of 30, a board-level
    # Expertgroep member and an academy trainer.
    school = OrganisationUnit.objects.get(name="School 00000")
    board = school.board
    current = years[-1]
    director = User.objects.create_user("bench.directeur")
    membership_grant(user=director, unit=school, role_codes=["director"])
    expert = User.objects.create_user("bench.bestuur")
    membership_grant(
        user=expert,
        unit=OrganisationUnit.objects.get(name="School 00001"),
        role_codes=["board_expertgroep"],
    )
    trainer = User.objects.create_user("bench.trainer")
    membership_grant(user=trainer, unit=None, role_codes=["academy_trainer"])
    teacher = User.objects.create_user("bench.leraar")
    membership_grant(user=teacher, unit=school, role_codes=["learner"])
    group = Group.objects.get(unit=school, school_year=current, name="Groep 1")
    from glans_learning.organisations.models import Membership

    Membership.objects.get(user=teacher, unit=school).groups.add(group)
    rels = list(
        Relationship.objects.filter(group=group).select_related("family").order_by("pk")[:30]
    )
    open_moment = MeasurementMoment.objects.get(
        unit=school, school_year=current, opens_on__lte=today, closes_on__gte=today
    )
    body = {
        "ratings": [
            {
                "relationship": r.family.code,
                "rating": RATING_MIX[i % len(RATING_MIX)],
                "next_step": "keep",
            }
            for i, r in enumerate(rels)
        ]
    }
    clients = {}

    def client_for(user):
        if user not in clients:
            client = Client()
            if user is not None:
                client.force_login(user)
            clients[user] = client
        return clients[user]

    urls = {
        "plain Wagtail page": (director, plain.url),
        "school dashboard": (director, f"/meten/school/{school.pk}/"),
        "board dashboard": (expert, f"/meten/bestuur/{board.pk}/"),
        "academy dashboard": (trainer, "/meten/academie/"),
        "API school": (director, f"/api/v1/organisations/{school.pk}/measurements"),
        "API board": (expert, f"/api/v1/boards/{board.pk}/measurements"),
        "rate a group of 30 (PUT)": (teacher, f"/api/v1/measurements/{open_moment.pk}/ratings"),
    }
    bodies = {"rate a group of 30 (PUT)": body}

    def measure():
        return time_requests(
            client_for, urls, requests=args.requests, warmup=args.warmup, bodies=bodies
        )

    log("measuring the small scale …")
    small_times = measure()
    log(f"building the large scale ({large} schools) …")
    ratings_large, seconds = build(small, large)
    log(f"added {large - small} schools, {ratings_large:,} ratings in {seconds:.1f} s")
    totals = {
        "schools": OrganisationUnit.objects.count(),
        "relationships": Relationship.objects.count(),
        "ratings": Rating.objects.count(),
    }
    log("measuring the large scale …")
    large_times = measure()
    if args.explain:
        explain(client_for, urls[args.explain])
    if args.profile_request:
        import cProfile
        import pstats

        user, url = urls[args.profile_request]
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [client_for(user).get(url) for _ in range(20)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    from glans_learning.measurement.selectors import tally_mismatches

    # The requests rated a group again and again: the sample board's tallies still agree.
    assert not tally_mismatches(unit_ids=board.units.values_list("pk", flat=True))

    # Import speed, in a process of its own (the same database): parse + all-or-nothing import.
    if args.import_after:
        log(f"waiting for {args.import_after} …")
        while not Path(args.import_after).exists():
            time.sleep(10)
    log("import speed …")
    rates = import_rates_in_subprocess(args.import_rows)

    print()
    print(
        f"GLANS oudervolgsysteem benchmark · {datetime.date.today()} · {platform.machine()} · "
        f"{os.cpu_count()} cores · Python {platform.python_version()} · PostgreSQL "
        f"{connection.cursor().connection.info.server_version} · {args.requests} requests each"
    )
    print(
        f"scales: {small} schools (1/{round(SCHOOLS_AT_FULL_SCALE / small)}) and {large} schools "
        f"({totals['relationships']:,} relationships, {totals['ratings']:,} ratings)"
    )
    base_small, base_large = small_times["plain Wagtail page"], large_times["plain Wagtail page"]
    print(
        f"{'request':28} {'small ms':>9} {'large ms':>9} {'large/small':>11} {'÷plain':>7}  targets"
    )
    failed = False
    for name in urls:
        a, b = small_times[name], large_times[name]
        flat = b / a
        vs_plain = b / base_large
        notes = []
        if name != "plain Wagtail page":
            ok = flat <= 1.5
            notes.append(f"flat ≤1.5 {'ok' if ok else 'MISSED'}")
            failed |= not ok
        limit = {"school dashboard": 3.0, "rate a group of 30 (PUT)": 2.0}.get(name)
        if limit:
            ok = vs_plain <= limit
            notes.append(f"≤{limit:g}× plain {'ok' if ok else 'MISSED'}")
            failed |= not ok
        print(
            f"{name:28} {a * 1000:9.2f} {b * 1000:9.2f} {flat:11.2f} {vs_plain:7.2f}  {', '.join(notes)}"
        )
    del base_small
    print_rates(rates)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
