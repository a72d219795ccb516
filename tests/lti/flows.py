"""LTI flows driven over HTTP with a cookie-keeping client, as a browser would: the platform's
login initiation, the tool's redirect to the platform's authorisation endpoint, the signed
launch posted back to the tool."""

import re
from html import unescape

import requests

INPUT = re.compile(
    r"<input[^>]*name=['\"](?P<name>[^'\"]+)['\"][^>]*value=['\"](?P<value>[^'\"]*)['\"]"
)
ACTION = re.compile(r"<form[^>]*action=['\"](?P<action>[^'\"]+)['\"]")


FORM = re.compile(r"<form[^>]*>.*?</form>", re.S)


def form_of(html: str, containing: str = "") -> tuple[str, dict]:
    """The action and hidden fields of the first form that has a field named `containing`."""
    for form in FORM.findall(html):
        if containing and f"name='{containing}'" not in form and f'name="{containing}"' not in form:
            continue
        action = unescape(ACTION.search(form).group("action"))
        return action, {m["name"]: unescape(m["value"]) for m in INPUT.finditer(form)}
    raise AssertionError(f"no form with {containing!r} in {html[:300]}")


def signed_launch(session: requests.Session, platform, user: str, link: str) -> tuple[str, dict]:
    """Login initiation through to the platform's auto-posting form: returns the tool URL and
    the id_token/state the platform signed (not yet posted)."""
    page = session.get(f"{platform.base}/start", params={"user": user, "link": link}, timeout=20)
    assert page.status_code == 200, page.text[:500]
    return form_of(page.text, "id_token")


def launch(session, platform, user, link) -> requests.Response:
    action, fields = signed_launch(session, platform, user, link)
    return session.post(action, data=fields, timeout=30)


def deep_link(session, platform, page_ids) -> requests.Response:
    """The instructor places GLANS pages in the platform's course."""
    picker = launch(session, platform, "teacher-1", "deep")
    assert picker.status_code == 200, picker.text[:500]
    token = re.search(r"name=['\"]csrfmiddlewaretoken['\"] value=['\"]([^'\"]+)", picker.text)[1]
    chosen = session.post(
        picker.url,
        data={"csrfmiddlewaretoken": token, "page": [str(pk) for pk in page_ids]},
        headers={"Referer": picker.url},
        timeout=30,
    )
    assert chosen.status_code == 200, chosen.text[:500]
    action, fields = form_of(chosen.text, "JWT")
    return session.post(action, data={"JWT": fields["JWT"]}, timeout=30)
