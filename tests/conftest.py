import os
import threading
from pathlib import Path

import pytest
from django.core.signals import request_finished, request_started

from tests.factories import UnitFactory, person

FIXTURE_MATERIAL = Path(__file__).parent / "fixtures" / "material"


# Tests the PostgreSQL pass runs alone, after its parallel part (scripts/pytest-postgres.sh):
# tests/faults restart the shared PostgreSQL cluster (every worker's connections would be cut)
# and time real processes (gunicorn, runserver, Celery, Redis) against deadlines;
# tests/integration runs a Celery worker on the shared Redis (database 0, the default queue:
# two workers would take each other's tasks), compiles the catalogues in the working tree
# (production steps) and starts gunicorn nodes and host sites against timeouts.
SERIAL_PATHS = ("tests/faults/", "tests/integration/")


@pytest.hookimpl(tryfirst=True)  # before `-m` selects on the marker
def pytest_collection_modifyitems(config, items):
    """Marks the tests under SERIAL_PATHS `serial`. postgres_only tests need the PostgreSQL
    pass (make test runs both passes). Outside it they are reported as skipped, except under
    CI=true where a missing database is a failure."""
    from django.conf import settings

    root = Path(__file__).resolve().parent.parent
    for item in items:
        where = Path(item.fspath).resolve().relative_to(root).as_posix()
        if where.startswith(SERIAL_PATHS):
            item.add_marker(pytest.mark.serial)

    on_postgres = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
    if on_postgres:
        return
    selected = [item for item in items if "postgres_only" in item.keywords]
    deselected_by_mark = "not postgres_only" in (config.getoption("markexpr") or "")
    if selected and os.environ.get("CI") == "true" and not deselected_by_mark:
        raise pytest.UsageError(
            "CI=true: PostgreSQL-only tests were selected but DATABASE_URL is not PostgreSQL; "
            "run them through scripts/with-services.sh (make test does)."
        )
    skip = pytest.mark.skip(reason="needs PostgreSQL: runs in the PostgreSQL pass of make test")
    for item in selected:
        item.add_marker(skip)


@pytest.fixture
def zonnebloem(db):
    return UnitFactory(name="De Zonnebloem")


@pytest.fixture
def regenboog(db, zonnebloem):
    return UnitFactory(name="De Regenboog", board=zonnebloem.board, unit_type="ikc")


@pytest.fixture
def director(zonnebloem):
    return person("directeur.zonnebloem", unit=zonnebloem, roles=["director", "tdt_participant"])


@pytest.fixture
def teacher(zonnebloem):
    return person("leraar.zonnebloem", unit=zonnebloem, roles=["learner"])


@pytest.fixture
def tdt_teacher(zonnebloem):
    return person("trainer.zonnebloem", unit=zonnebloem, roles=["learner", "tdt_participant"])


@pytest.fixture
def other_teacher(regenboog):
    return person("leraar.regenboog", unit=regenboog, roles=["learner"])


@pytest.fixture
def other_director(regenboog):
    return person("directeur.regenboog", unit=regenboog, roles=["director"])


@pytest.fixture
def auditor(db):
    return person("auditor", unit=None, roles=["academy_auditor"])


@pytest.fixture
def academy_trainer(db):
    return person("academietrainer", unit=None, roles=["academy_trainer"])


@pytest.fixture
def admin_user(db):
    return person(
        "beheerder", unit=None, roles=["platform_admin"], is_superuser=True, is_staff=True
    )


@pytest.fixture
def fixture_material():
    from glans_learning.content.material import load_material

    return load_material(FIXTURE_MATERIAL)


@pytest.fixture
def loaded_fixture(db, fixture_material):
    """The small fixture programme loaded into the page tree."""
    from glans_learning.courses.material_loader import load

    load(fixture_material)
    from glans_learning.courses.models import LessonPage

    return {
        "lesson": LessonPage.objects.get(slug="eerste-les"),
        "guide": LessonPage.objects.get(slug="tweede-les"),
    }


@pytest.fixture(autouse=True)
def _base_data_after_flush(request):
    """Transactional tests flush the database, migration data included; put back what the
    migrations create (the Wagtail root page and collection, locale and site, and the roles) — for them, and
    for any later test on the same worker that finds it missing."""
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
    elif marker or "db" in request.fixturenames:
        request.getfixturevalue("db")
    else:
        return
    import importlib

    from wagtail.models import Collection, Locale, Page, Site

    from glans_learning.organisations.models import Role

    # Wagtail caches the sites' root paths across tests; a cache filled in another test
    # (another site, or a flushed database) would leave pages without a URL.
    Site.clear_site_root_paths_cache()
    if not (marker and marker.kwargs.get("transaction")) and Role.objects.exists():
        return  # the usual case: migration data is there

    Locale.objects.get_or_create(language_code="nl")
    if not Collection.objects.filter(depth=1).exists():
        Collection.add_root(name="Root")
    if not Page.objects.filter(depth=1).exists():
        root = Page.add_root(title="Root", slug="root")
        home = root.add_child(title="Home", slug="home")
        Site.objects.get_or_create(
            hostname="localhost", defaults={"root_page": home, "is_default_site": True}
        )
    Site.clear_site_root_paths_cache()
    roles = importlib.import_module("glans_learning.organisations.migrations.0002_roles").ROLES
    for code, name, description, academy in roles:
        Role.objects.get_or_create(
            code=code,
            defaults={"name": name, "description": description, "is_academy_role": academy},
        )
    # The registers and the first certification criteria are migration data too.
    from glans_learning.certification.criteria import load_first_set
    from glans_learning.certification.models import Criterion, CriterionSet
    from glans_learning.courses.models import Register

    registers = importlib.import_module(
        "glans_learning.credentials.migrations.0002_seed_registers"
    ).REGISTERS
    for data in registers:
        Register.objects.get_or_create(name=data["name"], defaults=data)
    load_first_set(CriterionSet, Criterion)


class _ServerRequests:
    """Counts the requests the live server's threads are still handling (Django's request
    signals, sent from those threads; the test client runs in the main thread and is not
    counted)."""

    def __init__(self):
        self.busy = 0
        self.changed = threading.Condition()

    def started(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.busy += 1

    def finished(self, **kwargs):
        if threading.current_thread() is not threading.main_thread():
            with self.changed:
                self.busy = max(0, self.busy - 1)
                self.changed.notify_all()

    def wait_until_quiet(self, timeout=15.0):
        with self.changed:
            return self.changed.wait_for(lambda: self.busy == 0, timeout=timeout)


_server_requests = _ServerRequests()
request_started.connect(_server_requests.started, dispatch_uid="tests-server-requests")
request_finished.connect(_server_requests.finished, dispatch_uid="tests-server-requests")


@pytest.fixture(autouse=True)
def _live_server_quiet_before_flush(request, _base_data_after_flush):
    """A browser test can end while the page's scripts still have a request at the live
    server (an exercise reporting that it loaded). The database flush after the test then
    met a locked table, left the rows behind and failed the tests after it. This waits, after
    the browser context is closed and before the flush, until the server has answered."""
    yield
    if "live_server" in request.fixturenames:
        assert _server_requests.wait_until_quiet(), "the live server is still busy after 15 s"


@pytest.fixture
def verified_login():
    """Log a client in as `user` with a verified second factor (as after the two-factor
    page), for the admin, which platform admins and auditors only enter that way."""

    def login(client, user):
        from django_otp.plugins.otp_totp.models import TOTPDevice

        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session["otp_device_id"] = device.persistent_id
        session.save()
        return client

    return login


@pytest.fixture(autouse=True)
def _fresh_course_tree_copy():
    """Each test starts without the course tree rows an earlier test's pages left behind in
    this process (their rows are gone with that test's transaction)."""
    from glans_learning.courses.selectors import tree_cache

    tree_cache.clear()


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the site's default language, whatever an earlier one activated."""
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.deactivate()
