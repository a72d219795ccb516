"""Sessions as iCalendar (RFC 5545): the .ics attached to every session e-mail and the
learner's personal feed. One event per session with a stable UID, so a calendar updates the
event it already has instead of adding a second one. Times carry the site's time zone
(Europe/Amsterdam) with its VTIMEZONE."""

from __future__ import annotations

import zoneinfo
from email.utils import parseaddr
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone

from glans_learning.core.links import absolute_url as link
from glans_learning.core.links import public_base_url as base

PRODID = "-//GLANS//Glans leren//NL"


def public_base_url() -> str:
    return base()


def absolute_url(path: str) -> str:
    return link(path)


def session_uid(session) -> str:
    """The same for a session in every mail and feed, whatever changes about it."""
    host = urlsplit(public_base_url()).hostname or "glans"
    return f"glans-session-{session.pk}@{host}"


def _local(moment):
    zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    return timezone.localtime(moment, zone)


def organizer_address():
    """ORGANIZER as a calendar expects it: `mailto:` with the bare address, the name as its
    CN ("GLANS <noreply@…>" from DEFAULT_FROM_EMAIL is not an address)."""

    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = icalendar.vCalAddress(f"mailto:{address}")
    if name:
        organizer.params["CN"] = icalendar.vText(name)
    return organizer


def session_event(session, *, attendee_email: str = "", cancelled: bool = False):
    event = icalendar.Event()
    event.add("uid", session_uid(session))
    event.add("dtstamp", timezone.now())
    event.add("dtstart", _local(session.starts_at))
    event.add("dtend", _local(session.ends_at))
    event.add("summary", session.title)
    if session.location:
        event.add("location", session.location)
    link = absolute_url(reverse("glans_courses:session_detail", args=[session.pk]))
    event.add("url", link)
    description = [getattr(session.programme, "title", "")]
    if session.online_url:
        description.append(session.online_url)
    description.append(link)
    event.add("description", "\n".join(part for part in description if part))
    if cancelled:
        event.add("status", "CANCELLED")
    if attendee_email:
        event.add("organizer", organizer_address())
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        attendee.params["ROLE"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["RSVP"] = icalendar.vText("FALSE")
        event.add("attendee", attendee)
    return event


def sessions_calendar(sessions, *, method: str = "", attendee_email: str = "", name: str = ""):
    """A VCALENDAR of `sessions` as bytes. METHOD:REQUEST for an invitation (with organizer and
    attendee), PUBLISH for a confirmation or reminder, none for a subscribed feed."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", settings.TIME_ZONE)
    for session in sessions:
        calendar.add_component(
            session_event(session, attendee_email=attendee_email if method == "REQUEST" else "")
        )
    calendar.add_missing_timezones()
    return calendar.to_ical()


def send_mail_with_ics(*, subject: str, body: str, to: str, session, method: str) -> None:
    """Send one session e-mail with the session's .ics attached."""
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
    ics = sessions_calendar([session], method=method, attendee_email=to)
    message.attach("bijeenkomst.ics", ics, f"text/calendar; charset=utf-8; method={method}")
    message.send()
