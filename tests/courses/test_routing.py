"""Course pages route in one query below the programme index (courses/views/pages.py) and
read their view restrictions in one query; Wagtail's behaviour must not change: drafts,
previews, private pages, aliases, redirects and trailing slashes."""

import pytest
from django.contrib.auth.models import Group
from django.test import RequestFactory
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Site

from glans_learning.courses.models import LessonPage, ModulePage, ProgrammePage
from tests.factories import UserFactory


@pytest.fixture
def tree(loaded_fixture):
    lesson = loaded_fixture["lesson"]
    module = ModulePage.objects.get(pk=lesson.get_parent().pk)
    programme = ProgrammePage.objects.get(pk=module.get_parent().pk)
    return {
        "lesson": lesson,
        "second": loaded_fixture["guide"],
        "module": module,
        "programme": programme,
    }


def wagtail_reference(path):
    """Wagtail's own routing, level by level (Page.route), for pages without a route() of
    their own: the page at `path`, or None for a 404."""
    page = Site.objects.get(is_default_site=True).root_page.specific
    for slug in [c for c in path.split("/") if c]:
        child = page.get_children().filter(slug=slug).first()
        if child is None:
            return None
        page = child.specific
    return page if page.live else None


def routed(path):
    request = RequestFactory().get(path)
    page = Page.find_for_request(request, path)
    return page


def assert_routes_like_wagtail(path):
    expected, found = wagtail_reference(path), routed(path)
    if expected is None:
        assert found is None, path
    else:
        assert found is not None and found.pk == expected.pk, path
        assert type(found) is type(expected), path
        assert found.body if isinstance(found, LessonPage) else True


def test_course_urls_route_like_wagtail(tree):
    lesson, module, programme = tree["lesson"], tree["module"], tree["programme"]
    paths = [
        lesson.url,
        tree["second"].url,
        module.url,
        programme.url,
        programme.get_parent().url,
        lesson.url + "bestaat-niet/",
        module.url + "bestaat-niet/",
        programme.url + "bestaat-niet/les/",
        programme.url + lesson.slug + "/",  # a lesson's slug one level too high
        lesson.url.replace(module.slug, "andere-module"),
    ]
    for path in paths:
        assert_routes_like_wagtail(path)
    assert routed(lesson.url).pk == lesson.pk


def test_a_draft_lesson_is_not_found_and_its_preview_works(client, verified_login, tree, teacher):
    lesson = tree["lesson"]
    lesson.unpublish()
    client.force_login(teacher)
    assert client.get(lesson.url).status_code == 404
    assert_routes_like_wagtail(lesson.url)
    lesson.refresh_from_db()
    lesson.title = "Conceptles"
    lesson.save_revision()
    admin = UserFactory(username="beheer", is_superuser=True, is_staff=True)
    verified_login(client, admin)
    response = client.get(f"/admin/pages/{lesson.pk}/view_draft/")
    assert response.status_code == 200
    assert "Conceptles" in response.content.decode()


def test_a_lesson_below_an_unpublished_module_routes_as_in_wagtail(client, tree, teacher):
    """Wagtail does not require the pages on the way to be live, only the page itself."""
    tree["module"].unpublish()
    assert_routes_like_wagtail(tree["lesson"].url)
    assert_routes_like_wagtail(tree["module"].url)


def test_view_restrictions_match_wagtails(tree):
    lesson, module = tree["lesson"], tree["module"]
    group = Group.objects.create(name="Trainers")
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    for page in (lesson, module, tree["programme"]):
        ours = set(page.get_view_restrictions().values_list("pk", flat=True))
        assert ours == set(Page.get_view_restrictions(page).values_list("pk", flat=True))
        assert {r.pk for r in page.get_view_restrictions()} == ours
    assert restriction.pk in {r.pk for r in lesson.get_view_restrictions()}
    # Admin views filter and order the queryset further.
    assert (
        list(lesson.get_view_restrictions().order_by("-page__depth").values_list("pk", flat=True))[
            0
        ]
        == restriction.pk
    )


def test_an_alias_takes_its_source_pages_restrictions(client, tree, teacher):
    lesson, module = tree["lesson"], tree["module"]
    alias = lesson.create_alias(update_slug="alias-van-les")
    assert_routes_like_wagtail(alias.url)
    client.force_login(teacher)
    assert client.get(alias.url).status_code == 200
    PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    alias = LessonPage.objects.get(pk=alias.pk)
    assert set(alias.get_view_restrictions()) == set(Page.get_view_restrictions(alias))
    assert "password" in client.get(alias.url).content.decode()
    assert module.pk  # the alias sits in the same module


def test_private_pages_below_a_programme(client, tree, teacher):
    lesson, module = tree["lesson"], tree["module"]
    client.force_login(teacher)
    assert client.get(lesson.url).status_code == 200
    # A password on the module: the lesson asks for it.
    restriction = PageViewRestriction.objects.create(
        page=module, restriction_type=PageViewRestriction.PASSWORD, password="geheim"
    )
    response = client.get(lesson.url)
    assert response.status_code == 200 and 'name="password"' in response.content.decode()
    action = f"/_util/authenticate_with_password/{restriction.pk}/{lesson.pk}/"
    client.post(action, {"password": "geheim", "return_url": lesson.url})
    assert "Les 1 van" in client.get(lesson.url).content.decode()
    restriction.delete()
    # Groups on the lesson: a learner outside the group is sent to log in.
    group = Group.objects.create(name="Alleen trainers")
    groups = PageViewRestriction.objects.create(
        page=lesson, restriction_type=PageViewRestriction.GROUPS
    )
    groups.groups.add(group)
    response = client.get(lesson.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    teacher.groups.add(group)
    assert client.get(lesson.url).status_code == 200
    # Login on the programme (the loader sets it): anonymous visitors log in first.
    client.logout()
    response = client.get(module.url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_redirects_on_programme_urls(client, tree, teacher):
    lesson, programme = tree["lesson"], tree["programme"]
    Redirect.objects.create(old_path=f"{programme.url}oude-les", redirect_page=lesson)
    client.force_login(teacher)
    response = client.get(f"{programme.url}oude-les/")
    assert response.status_code == 301
    assert response["Location"].endswith(lesson.url)
    # A live page wins over a redirect from its own path.
    Redirect.objects.create(old_path=lesson.url.rstrip("/"), redirect_link="/elders/")
    assert client.get(lesson.url).status_code == 200


def test_trailing_slash(client, tree, teacher):
    lesson = tree["lesson"]
    client.force_login(teacher)
    response = client.get(lesson.url.rstrip("/"))
    assert response.status_code == 301 and response["Location"] == lesson.url
    assert client.get(lesson.url + "extra/").status_code == 404
