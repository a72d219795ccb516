"""#14: nothing is loaded from another host — no gravatar in the admin, Swagger UI from the
plugin's own static files."""

import re
from html.parser import HTMLParser
from urllib.parse import urlparse

from django.test import Client


class _Assets(HTMLParser):
    """src/href of scripts, stylesheets/icons (link) and images."""

    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "img", "iframe", "source") and attrs.get("src"):
            self.urls.append(attrs["src"])
        if tag == "img" and attrs.get("srcset"):
            self.urls += [part.split()[0] for part in attrs["srcset"].split(",")]
        if tag == "link" and attrs.get("href"):
            self.urls.append(attrs["href"])


def _foreign(html: str) -> list[str]:
    parser = _Assets()
    parser.feed(html)
    inline_css = re.findall(r"url\(['\"]?(https?://[^'\")]+)", html)
    return [
        url
        for url in parser.urls + inline_css
        if urlparse(url).scheme in ("http", "https", "")
        and urlparse(url).netloc not in ("", "testserver")
    ]


def test_admin_dashboard_loads_nothing_from_elsewhere(admin_user, verified_login):
    client = Client()
    verified_login(client, admin_user)
    response = client.get("/admin/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "gravatar" not in html
    assert _foreign(html) == []
    # No update check: the dashboard would ask releases.wagtail.org from the browser (#25).
    assert "w-upgrade" not in html


def test_api_docs_use_vendored_swagger(teacher):
    client = Client()
    client.force_login(teacher)
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert _foreign(html) == []
    assert "glans_core/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "cdn.jsdelivr" not in html and "unpkg" not in html


def test_the_checker_finds_a_foreign_asset():
    assert _foreign('<script src="https://cdn.example.org/x.js"></script>') == [
        "https://cdn.example.org/x.js"
    ]
    assert _foreign('<img src="//www.gravatar.com/avatar/abc">') == [
        "//www.gravatar.com/avatar/abc"
    ]
