"""The course tree's copy in this process (courses/selectors/tree_cache.py): course pages skip
the tree reads while it is current, and every way an editor changes the tree shows at once."""

import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext, override_settings

from glans_learning.courses.models import Enrollment, LessonPage, ModulePage
from glans_learning.courses.selectors import raw, tree_cache
from tests.builders import build_programme
from tests.factories import person


def queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), [q["sql"] for q in ctx.captured_queries]


def without_token(html):
    """The page without what differs on every response (CSRF token, CSP nonce)."""
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)
    return re.sub(r'nonce="[^"]+"', "", html)


def tree_reads(sqls):
    """The tree reads among a request's queries (tree_items and live_lesson_family)."""
    return [sql for sql in sqls if "UNION ALL" in sql or "LEFT JOIN" in sql and "m." in sql]


def routing_reads(sqls):
    """A course page's routing read (raw.page_by_url_path)."""
    return [sql for sql in sqls if '"url_path" = ' in sql and "LIKE" in sql]


@pytest.fixture
def course(tmp_path, zonnebloem, year, client):
    programme = build_programme(tmp_path, slug="boom", modules=2, lessons_per_module=6)
    user = person("lerende.boom", unit=zonnebloem)
    Enrollment.objects.create(user=user, programme=programme, school_year=year, unit=zonnebloem)
    client.force_login(user)
    module = ModulePage.objects.child_of(programme).order_by("path").first()
    lessons = list(LessonPage.objects.child_of(module).order_by("path"))
    # The pages above were made in this test's transaction, which therefore reads past the
    # copy (it may still be rolled back); a real site has committed them long ago.
    tree_cache.clear()
    return programme, module, lessons


def test_course_pages_skip_the_tree_reads_while_the_copy_is_current(client, course):
    programme, module, lessons = course
    for url in (lessons[2].url, module.url, programme.url):
        queries(client, url)  # the first visit is written; reloads within minutes are not
        tree_cache.clear()
        first, first_sqls = queries(client, url)
        again, again_sqls = queries(client, url)
        assert tree_reads(first_sqls), url
        assert not tree_reads(again_sqls), url
        # The page itself (its routing) is kept as read too.
        assert len(routing_reads(first_sqls)) == 1, url
        assert not routing_reads(again_sqls), url
        assert len(again_sqls) == len(first_sqls) - 2, url
        assert without_token(again) == without_token(first), url


def test_publishing_renaming_and_unpublishing_show_at_once(client, course):
    programme, module, lessons = course
    queries(client, module.url)
    queries(client, lessons[2].url)

    lessons[3].title = "Een nieuwe naam"
    lessons[3].save_revision().publish()
    page, _ = queries(client, module.url)
    assert "Een nieuwe naam" in page
    page, _ = queries(client, lessons[2].url)
    assert "Een nieuwe naam" in page  # the sidebar

    lessons[4].unpublish()
    page, _ = queries(client, module.url)
    assert lessons[4].title not in page
    page, _ = queries(client, programme.url)
    assert lessons[4].title not in page

    added = LessonPage(title="Les erbij", slug="les-erbij", estimated_minutes=5)
    module.add_child(instance=added)
    added.save_revision().publish()
    page, _ = queries(client, module.url)
    assert "Les erbij" in page


def test_moving_and_deleting_show_at_once(client, course):
    programme, module, lessons = course
    other = ModulePage.objects.child_of(programme).order_by("path").last()
    queries(client, module.url)
    queries(client, other.url)
    moved_title = lessons[1].title
    lessons[1].move(other, pos="last-child")
    page, _ = queries(client, module.url)
    assert moved_title not in page
    page, _ = queries(client, other.url)
    assert moved_title in page

    gone = lessons[5].title
    LessonPage.objects.get(pk=lessons[5].pk).delete()
    page, _ = queries(client, module.url)
    assert gone not in page


def test_items_are_new_on_every_call(course):
    _programme, module, _lessons = course
    first = raw.tree_items(under=module.path, depths=[module.depth + 1])
    first[0].href = "/elders/"
    second = raw.tree_items(under=module.path, depths=[module.depth + 1])
    assert second[0].href == ""
    assert second[0] is not first[0]
    # A row has no place for a learner's progress: nothing of one learner can stay on it.
    with pytest.raises(AttributeError):
        second[0].progress_state = "besmet"


def outline_fields(modules):
    return [
        (
            m.pk,
            m.title,
            m.href,
            m.estimated_minutes,
            [(x.pk, x.title, x.href) for x in m.outline_lessons],
        )
        for m in modules
    ]


def test_outlines_are_shared_and_carry_no_learner_progress(client, course, zonnebloem, year):
    """The programme and module pages share one outline per tree version between learners;
    each learner's statuses go beside it, so a second learner sees none of the first's."""
    from glans_learning.courses import selectors
    from glans_learning.courses.services import lesson_view

    programme, module, lessons = course
    first = selectors.programme_outline(programme=programme)
    assert selectors.programme_outline(programme=programme) is first
    lesson_list = selectors.module_lessons(module=module)
    assert selectors.module_lessons(module=module) is lesson_list
    before = outline_fields(first)

    learner = Enrollment.objects.get(programme=programme).user
    lesson_view(user=learner, lesson=lessons[0], programme_id=programme.pk, responses={})
    for url in (module.url, programme.url):
        page, _ = queries(client, url)
        assert "status--in_progress" in page or "status--completed" in page, url

    other = person("lerende.ander", unit=zonnebloem)
    Enrollment.objects.create(user=other, programme=programme, school_year=year, unit=zonnebloem)
    client.force_login(other)
    for url in (module.url, programme.url):
        page, _ = queries(client, url)
        assert "status--in_progress" not in page and "status--completed" not in page, url
        assert "status--not_started" in page, url
    # The same shared objects, unchanged by either learner's views.
    assert selectors.programme_outline(programme=programme) is first
    assert outline_fields(first) == before
    # Their rows were kept per language: the English page has English labels.
    client.cookies["django_language"] = "en"
    page, _ = queries(client, module.url)
    assert "not started" in page and "niet begonnen" not in page


def test_a_new_version_builds_a_new_outline(course):
    from glans_learning.courses import selectors

    programme, module, _lessons = course
    first = selectors.programme_outline(programme=programme)
    module.title = "Nieuwe titel"
    module.save_revision().publish()
    second = selectors.programme_outline(programme=programme)
    assert second is not first
    assert second[0].title == "Nieuwe titel"
    assert first[0].title != "Nieuwe titel"


@pytest.mark.django_db(transaction=True)
def test_a_change_rolled_back_leaves_no_rows_behind(tmp_path):
    from tests.conftest import FIXTURE_MATERIAL  # noqa: F401 - the base data is in place

    programme = build_programme(tmp_path, slug="terug", modules=1, lessons_per_module=3)
    module = ModulePage.objects.child_of(programme).get()
    depth = [module.depth + 1]
    assert len(raw.tree_items(under=module.path, depths=depth)) == 3

    class Undo(Exception):
        pass

    with pytest.raises(Undo), transaction.atomic():
        extra = LessonPage(title="Les die niet blijft", slug="weg", estimated_minutes=5)
        module.add_child(instance=extra)
        extra.save_revision().publish()
        # Inside the transaction the new lesson is read (from the database, not the copy)...
        assert len(raw.tree_items(under=module.path, depths=depth)) == 4
        raise Undo
    # ...and after the rollback nobody is shown it.
    titles = [item.title for item in raw.tree_items(under=module.path, depths=depth)]
    assert titles == ["Les 1", "Les 2", "Les 3"]


def test_an_unreachable_cache_means_reading_the_database(course, client, monkeypatch):
    _programme, module, _lessons = course

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise ConnectionError("redis is weg")

            return fail

    monkeypatch.setattr(tree_cache, "cache", Down())
    for _ in range(2):
        _page, sqls = queries(client, module.url)
        assert tree_reads(sqls)


class Flaky:
    """A cache that counts what it is asked and fails while `down` is set."""

    def __init__(self, real):
        self.real, self.down, self.asked = real, False, 0

    def __getattr__(self, name):
        method = getattr(self.real, name)

        def call(*args, **kwargs):
            self.asked += 1
            if self.down:
                raise ConnectionError("redis is weg")
            return method(*args, **kwargs)

        return call


def test_an_unreachable_cache_is_not_asked_again_for_a_while(course, client, monkeypatch):
    """Each attempt would wait for the connect timeout (seconds) on every course page."""
    _programme, module, _lessons = course
    flaky = Flaky(tree_cache.cache)
    monkeypatch.setattr(tree_cache, "cache", flaky)
    flaky.down = True
    queries(client, module.url)
    assert flaky.asked == 1
    for _ in range(3):
        _page, sqls = queries(client, module.url)
        assert tree_reads(sqls)
    assert flaky.asked == 1  # within the back-off nobody waits for the cache
    later = tree_cache.time.monotonic() + tree_cache.BACKOFF + 1
    monkeypatch.setattr(tree_cache.time, "monotonic", lambda: later)
    queries(client, module.url)
    assert flaky.asked == 2  # after it, the cache is tried again


def test_rows_kept_before_an_outage_are_forgotten_when_the_cache_is_back(
    course, client, monkeypatch
):
    """While the cache was down no new version could be stored, so what was kept before
    the outage may be stale even though the version still matches."""
    _programme, module, lessons = course
    flaky = Flaky(tree_cache.cache)
    monkeypatch.setattr(tree_cache, "cache", flaky)
    queries(client, module.url)
    _page, sqls = queries(client, module.url)
    assert not tree_reads(sqls)  # kept
    flaky.down = True
    queries(client, module.url)  # the outage begins
    token = tree_cache.cache.real.get(tree_cache.VERSION_KEY)
    lessons[0].title = "Tijdens de storing"
    lessons[0].save_revision().publish()  # its new version is not stored
    flaky.down = False
    tree_cache.cache.real.set(tree_cache.VERSION_KEY, token, timeout=None)
    later = tree_cache.time.monotonic() + tree_cache.BACKOFF + 1
    monkeypatch.setattr(tree_cache.time, "monotonic", lambda: later)
    tree_cache._pending.changed = False  # as after the editor's transaction ended
    page, sqls = queries(client, module.url)
    assert tree_reads(sqls)
    assert "Tijdens de storing" in page


def test_rows_expire_even_without_a_new_version(course, client, monkeypatch):
    _programme, module, _lessons = course
    queries(client, module.url)
    _page, sqls = queries(client, module.url)
    assert not tree_reads(sqls)
    clock = tree_cache.time.monotonic() + tree_cache.TTL + 1
    monkeypatch.setattr(tree_cache.time, "monotonic", lambda: clock)
    _page, sqls = queries(client, module.url)
    assert tree_reads(sqls)


@pytest.mark.parametrize(
    ("backend", "setting", "on"),
    [
        ("django.core.cache.backends.locmem.LocMemCache", None, False),
        ("django.core.cache.backends.dummy.DummyCache", None, False),
        ("django.core.cache.backends.redis.RedisCache", None, True),
        ("django.core.cache.backends.redis.RedisCache", False, False),
        ("django.core.cache.backends.locmem.LocMemCache", True, True),
    ],
)
def test_the_copy_is_on_only_where_every_process_sees_the_version(backend, setting, on):
    """With a cache only this process sees, another worker would never learn of a change."""
    with override_settings(
        CACHES={"default": {"BACKEND": backend}}, GLANS_COURSE_TREE_CACHE=setting
    ):
        assert tree_cache.enabled() is on


def test_the_setting_is_read_from_the_environment(monkeypatch):
    from glans_site.settings.env import env_bool

    monkeypatch.setenv("GLANS_COURSE_TREE_CACHE", "false")
    assert env_bool("GLANS_COURSE_TREE_CACHE", None) is False
    monkeypatch.delenv("GLANS_COURSE_TREE_CACHE")
    assert env_bool("GLANS_COURSE_TREE_CACHE", None) is None


def test_a_kept_page_is_a_new_instance_and_changes_show_at_once(client, course):
    """Routing keeps the course page's row (raw.page_by_url_path): every call builds a new
    page from it, and an unpublished or renamed lesson is gone at once; a URL that finds no
    page is not kept."""
    _programme, module, lessons = course
    lesson = lessons[2]
    ask = {
        "model": LessonPage,
        "under": module.get_parent().get_parent().path,
        "depth": lesson.depth,
        "url_path": lesson.url_path,
    }
    first = raw.page_by_url_path(**ask)
    first.title = "Veranderd in het geheugen"
    list(first.body)  # its blocks converted
    second = raw.page_by_url_path(**ask)
    assert second is not first and second.title == lesson.title
    assert second.body is not first.body

    queries(client, lesson.url)
    html, sqls = queries(client, lesson.url)
    assert not routing_reads(sqls)

    lesson.unpublish()
    tree_cache._pending.changed = False  # as after the commit of the editor's request
    assert client.get(lesson.url).status_code == 404

    other = LessonPage.objects.get(pk=lessons[3].pk)
    old_url = other.url
    queries(client, old_url)
    other.slug = "nieuwe-naam"
    other.save_revision().publish()
    tree_cache._pending.changed = False
    assert client.get(old_url).status_code == 404
    assert client.get(LessonPage.objects.get(pk=other.pk).url).status_code == 200

    missing = module.url + "bestaat-niet/"
    reads = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(missing).status_code == 404
        reads.append(len(routing_reads([q["sql"] for q in ctx.captured_queries])))
    assert reads[0] >= 1 and reads[1] == reads[0]  # asked again: nothing was kept
