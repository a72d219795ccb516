"""The apps install into a brand-new Wagtail site made with `wagtail start`."""

import textwrap

import pytest

from tests.integration._hostsite import GLANS_APPS, manage, run, shell, status_line

pytestmark = pytest.mark.integration


def test_wagtail_start_site_installs_the_plugin(tmp_path, plugin_python):
    python = plugin_python
    run(
        [str(python), "-c", "from wagtail.bin.wagtail import main; main()", "start", "hostsite"],
        cwd=tmp_path,
    )
    site = tmp_path / "hostsite"
    base = site / "hostsite" / "settings" / "base.py"
    # Only what docs/install.md asks for; the site keeps its language ("en-us").
    base.write_text(
        base.read_text()
        + textwrap.dedent(
            f"""
            INSTALLED_APPS = [*INSTALLED_APPS, *{GLANS_APPS!r}]
            AUTHENTICATION_BACKENDS = [
                "rules.permissions.ObjectPermissionBackend",
                "django.contrib.auth.backends.ModelBackend",
            ]
            LOGIN_URL = "glans_accounts:login"
            """
        )
    )
    urls = site / "hostsite" / "urls.py"
    urls.write_text(
        urls.read_text().replace(
            'path("admin/", include(wagtailadmin_urls)),',
            'path("admin/", include(wagtailadmin_urls)),\n    path("", include("glans_learning.urls")),',
        )
    )
    manage(python, site, "migrate", "--noinput", "-v0")
    manage(python, site, "load_course_material")
    script = textwrap.dedent(
        """
        import glans_learning.courses
        assert "site-packages" in glans_learning.courses.__file__, glans_learning.courses.__file__
        from django.test import Client
        from django.contrib.auth import get_user_model
        from glans_learning.courses.models import ProgrammeIndexPage
        index = ProgrammeIndexPage.objects.get()
        user = get_user_model().objects.create_user("lerende", password="x-Very-long-1")
        client = Client()
        client.force_login(user)
        r1 = client.get(index.url, HTTP_HOST="localhost")
        r2 = client.get("/api/v1/programmes", HTTP_HOST="localhost")
        r3 = client.get("/api/v1/openapi.json", HTTP_HOST="localhost")
        print("STATUS", r1.status_code, r2.status_code, r3.status_code, len(r2.json()))
        """
    )
    codes = status_line(shell(python, site, script))
    assert codes[:3] == ["200", "200", "200"], codes
    assert int(codes[3]) >= 1
