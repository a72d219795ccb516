"""Writes of the oudervolgsysteem. Views, API, tasks, commands and the demo call these."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.organisations.models import Group, Membership, OrganisationUnit

from . import permissions
from .models import (
    AccessLog,
    AppreciationChannel,
    AppreciationPreference,
    AppreciationTick,
    AppreciationWeek,
    Family,
    FamilyKey,
    FollowUp,
    Intervisie,
    MeasurementMoment,
    NextStep,
    Rating,
    RatingTally,
    RatingValue,
    Relationship,
    SelfCheck,
)
from .selectors import live_counts, neutral_relationships, practice_lessons, week_start

DEFAULT_MOMENTS = 5


def _pseudonym_key() -> bytes:
    key = getattr(settings, "GLANS_PSEUDONYM_KEY", None)
    if key:
        return key.encode()
    return hashlib.sha256(f"glans-pseudonym:{settings.SECRET_KEY}".encode()).digest()


def pupil_key_hash(*, unit_id: int, pupil_key: str) -> str:
    """A keyed hash of a pupil's stable key (scoped to the school); never the key itself."""
    message = f"{unit_id}:{pupil_key.strip()}".encode()
    return hmac.new(_pseudonym_key(), message, hashlib.sha256).hexdigest()


def pupil_key_hashes(*, unit_id: int, pupil_keys) -> dict[str, str]:
    """`pupil_key_hash` for many keys at once: the keyed state is prepared once, not per key."""
    keyed = hmac.new(_pseudonym_key(), digestmod=hashlib.sha256)
    hashes = {}
    for pupil_key in pupil_keys:
        if pupil_key not in hashes:
            h = keyed.copy()
            h.update(f"{unit_id}:{pupil_key.strip()}".encode())
            hashes[pupil_key] = h.hexdigest()
    return hashes


def _code_for(key_hash: str, length: int = 7) -> str:
    raw = base64.b32encode(bytes.fromhex(key_hash)).decode().rstrip("=")
    return "G" + raw[:length].replace("0", "X").replace("1", "Y")


def family_for_key(*, unit, key_hash: str, known: dict | None = None) -> Family:
    """The family of a pupil key hash, created (with a fresh code) when new."""
    if known is not None and key_hash in known:
        return known[key_hash]
    existing = (
        FamilyKey.objects.select_related("family").filter(unit=unit, key_hash=key_hash).first()
    )
    if existing:
        return existing.family
    length = 7
    code = _code_for(key_hash, length)
    while Family.objects.filter(board_id=unit.board_id, code=code).exists():
        length += 1
        code = _code_for(key_hash, length)
    family = Family.objects.create(board_id=unit.board_id, unit=unit, code=code)
    FamilyKey.objects.create(family=family, unit=unit, key_hash=key_hash)
    return family


@transaction.atomic
def family_link_siblings(*, unit, codes: list[str]) -> Family:
    """Link the families with `codes` into the first one: their pupils' keys, relationships
    and ratings move over; the first code stays."""
    families = {f.code: f for f in Family.objects.filter(unit=unit, code__in=codes)}
    missing = [c for c in codes if c not in families]
    if missing or len(codes) < 2:
        raise ValidationError(
            _("Onbekende gezinscode(s): %(codes)s") % {"codes": ", ".join(missing)}
        )
    keep = families[codes[0]]
    touched = set()
    for code in codes[1:]:
        other = families[code]
        FamilyKey.objects.filter(family=other).update(family=keep)
        for rel in Relationship.objects.filter(family=other):
            if Relationship.objects.filter(group_id=rel.group_id, family=keep).exists():
                touched.add((rel.unit_id, rel.school_year_id))
                rel.delete()  # two siblings in one group: one relationship (and its ratings)
            else:
                rel.family = keep
                rel.save(update_fields=["family"])
        other.delete()
    tallies_refresh_units(touched)
    return keep


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    return datetime.date(day.year + month // 12, month % 12 + 1, 1)


@transaction.atomic
def moments_create_default(*, unit, school_year, count: int = DEFAULT_MOMENTS) -> list:
    """Spread `count` moments over the school year (5: every two months from October), each
    open from a week before to two weeks after its date. Idempotent."""
    months = max(1, 10 // count)
    created = []
    for i in range(count):
        date = _add_months(school_year.start_date, months * (i + 1))
        if date > school_year.end_date:
            break
        moment, made = MeasurementMoment.objects.get_or_create(
            unit=unit,
            date=date,
            defaults={
                "school_year": school_year,
                "opens_on": date - datetime.timedelta(days=7),
                "closes_on": date + datetime.timedelta(days=14),
                "title": _("Meting %(n)s") % {"n": i + 1},
            },
        )
        if made:
            created.append(moment)
    return created


def moment_create(*, unit, school_year, date, opens_on, closes_on, title="") -> MeasurementMoment:
    moment = MeasurementMoment(
        unit=unit,
        school_year=school_year,
        date=date,
        opens_on=opens_on,
        closes_on=closes_on,
        title=title,
    )
    moment.full_clean()
    moment.save()
    return moment


# Tallies: the dashboards' counts per group and moment (RatingTally) ---------------------


def tallies_refresh(*, unit_id: int, school_year_id: int, moment_ids=None) -> int:
    """Recount the tallies of one school's year (or of `moment_ids` in it) from its ratings
    and store them: every group × moment pair gets a row, zero when nothing is rated.
    Idempotent (it recounts, it never adds), so a retried or repeated write cannot count
    twice. The moments' rows are locked first, so two writers at the same moment recount
    one after the other and the last one sees both. Four queries, bounded by the school."""
    with transaction.atomic(savepoint=False):
        return _tallies_refresh(unit_id, school_year_id, moment_ids)


def _tallies_refresh(unit_id, school_year_id, moment_ids) -> int:
    moments = MeasurementMoment.objects.filter(unit_id=unit_id, school_year_id=school_year_id)
    if moment_ids is not None:
        moments = moments.filter(pk__in=list(moment_ids))
    moments = list(moments.select_for_update().order_by("pk").values_list("pk", flat=True))
    if not moments:
        return 0
    groups = list(
        Group.objects.filter(unit_id=unit_id, school_year_id=school_year_id).values_list(
            "pk", flat=True
        )
    )
    counted = live_counts(moment_ids=moments, unit_ids=[unit_id])
    groups = sorted(set(groups) | {group_id for _m, group_id in counted})
    now = timezone.now()
    rows = []
    for moment_id in moments:
        for group_id in groups:
            counts = counted.get((moment_id, group_id), {})
            rows.append(
                RatingTally(
                    moment_id=moment_id,
                    group_id=group_id,
                    refreshed_at=now,
                    **{k: counts.get(k, 0) for k in RatingTally.COUNTS},
                )
            )
    RatingTally.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["moment", "group"],
        update_fields=[*RatingTally.COUNTS, "refreshed_at"],
        batch_size=500,
    )
    return len(rows)


def tallies_refresh_units(pairs) -> int:
    """`tallies_refresh` for each (unit id, school year id) pair."""
    return sum(
        tallies_refresh(unit_id=unit_id, school_year_id=year_id)
        for unit_id, year_id in sorted(set(pairs))
    )


TALLY_REBUILD_UNITS = 100  # schools recounted per statement and transaction


def tallies_rebuild(*, unit_ids=None) -> int:
    """Recount every tally of `unit_ids` (None: the nation) from the ratings in set-based
    statements, `TALLY_REBUILD_UNITS` schools at a time (each batch in one transaction,
    its moments locked first): for the management command, the nightly task, a bulk load
    that bypassed the services. Idempotent. Returns the number of tallies with ratings."""
    units = OrganisationUnit.objects.order_by("pk").values_list("pk", flat=True)
    if unit_ids is not None:
        units = units.filter(pk__in=list(unit_ids))
    units = list(units)
    written = 0
    for start in range(0, len(units), TALLY_REBUILD_UNITS):
        written += _tallies_rebuild_batch(units[start : start + TALLY_REBUILD_UNITS])
    return written


@transaction.atomic
def _tallies_rebuild_batch(unit_ids: list[int]) -> int:
    moment_ids = list(
        MeasurementMoment.objects.filter(unit_id__in=unit_ids)
        .select_for_update()
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not moment_ids:
        return 0
    zero = dict.fromkeys(RatingTally.COUNTS, 0)
    RatingTally.objects.filter(moment_id__in=moment_ids).update(**zero)
    tally, rating = RatingTally._meta.db_table, Rating._meta.db_table
    relationship = Relationship._meta.db_table
    quote = connection.ops.quote_name
    counts = ", ".join(quote(k) for k in RatingTally.COUNTS)
    placeholders = ", ".join(["%s"] * len(moment_ids))
    # The same measures as selectors._counts(), in SQL both PostgreSQL and SQLite speak;
    # "WHERE" before "ON CONFLICT" is what SQLite needs to parse an upsert from a SELECT.
    sql = f"""
        INSERT INTO {quote(tally)} (moment_id, group_id, {counts}, refreshed_at)
        SELECT r.moment_id, rel.group_id, COUNT(*),
            SUM(CASE WHEN r.value = %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.value = %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.value = %s THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.value IN (%s, %s) AND r.next_step = '' THEN 1 ELSE 0 END),
            SUM(CASE WHEN r.cooperation_impossible THEN 1 ELSE 0 END),
            %s
        FROM {quote(rating)} r JOIN {quote(relationship)} rel ON rel.id = r.relationship_id
        WHERE r.moment_id IN ({placeholders}) AND rel.is_active
        GROUP BY r.moment_id, rel.group_id
        ON CONFLICT (moment_id, group_id) DO UPDATE SET
            {", ".join(f"{quote(k)} = excluded.{quote(k)}" for k in RatingTally.COUNTS)},
            refreshed_at = excluded.refreshed_at
    """  # noqa: S608 - table and column names come from the models
    params = [
        RatingValue.POSITIVE,
        RatingValue.NEUTRAL,
        RatingValue.NEGATIVE,
        RatingValue.NEUTRAL,
        RatingValue.NEGATIVE,
        timezone.now(),
        *moment_ids,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


CLEAR = object()  # marks an item that takes its rating backCLEAR = object()  # marks an item that takes its rating back


def _clean_item(item: dict, index: int, errors: dict) -> dict | None:
    value = item.get("rating")
    next_step = item.get("next_step") or ""
    note = (item.get("note") or "").strip()
    field = f"ratings[{index}]"
    if value not in RatingValue.values:
        errors[field] = _("Kies glanst, neutraal of dof.")
        return None
    if next_step not in NextStep.values and next_step != "":
        errors[field] = _("Onbekende volgende stap.")
        return None
    if len(note) > 500:
        errors[field] = _("De notitie is te lang (maximaal 500 tekens).")
        return None
    return {
        "value": value,
        "next_step": next_step if value != RatingValue.POSITIVE else "",
        "note": note,
        "cooperation_impossible": bool(item.get("impossible")) and value != RatingValue.POSITIVE,
    }


@transaction.atomic
def rate_group(*, user, moment: MeasurementMoment, ratings: list[dict], today=None) -> int:
    """Save the ratings of `user`'s own relationships at `moment`; all or nothing.

    Each item: relationship (family code), rating (positive|neutral|negative, or null to
    take the rating at this moment back, e.g. an undo of a first rating), next_step, note,
    impossible, and optionally group (id) when a family is in two of the user's groups.
    """
    if not moment.is_open(today):
        raise ValidationError(_("Dit meetmoment is niet (meer) open."))
    group_ids = permissions.teacher_group_ids(user)
    rels = list(
        Relationship.objects.filter(
            unit_id=moment.unit_id,
            school_year_id=moment.school_year_id,
            group_id__in=group_ids,
            is_active=True,
        ).select_related("family")
    )
    if not rels:
        raise PermissionDenied
    by_code: dict[str, list[Relationship]] = {}
    for rel in rels:
        by_code.setdefault(rel.family.code, []).append(rel)
    errors: dict[str, str] = {}
    wanted: dict[int, dict] = {}
    for index, item in enumerate(ratings):
        if not isinstance(item, dict):
            errors[f"ratings[{index}]"] = _("Ongeldige regel.")
            continue
        candidates = by_code.get(str(item.get("relationship", "")), [])
        if item.get("group") is not None:
            candidates = [r for r in candidates if str(r.group_id) == str(item["group"])]
        if len(candidates) != 1:
            errors[f"ratings[{index}]"] = (
                _("Onbekende relatie voor jouw groep.")
                if not candidates
                else _("Dit gezin zit in meer van jouw groepen: geef de groep mee.")
            )
            continue
        rel = candidates[0]
        clear = item.get("rating") in (None, "")
        cleaned = CLEAR if clear else _clean_item(item, index, errors)
        if cleaned is None:
            continue
        if rel.pk in wanted:
            errors[f"ratings[{index}]"] = _("Deze relatie staat twee keer in de lijst.")
            continue
        wanted[rel.pk] = cleaned
    if errors:
        raise ValidationError(errors)
    if not ratings:
        raise ValidationError(_("Geen waarderingen meegegeven."))
    cleared = [rel_id for rel_id, data in wanted.items() if data is CLEAR]
    if cleared:
        Rating.objects.filter(moment=moment, relationship_id__in=cleared).delete()
        wanted = {rel_id: data for rel_id, data in wanted.items() if data is not CLEAR}
        if not wanted:
            _tally_moment(moment)
            return len(cleared)
    existing = {
        r.relationship_id: r
        for r in Rating.objects.select_for_update().filter(
            moment=moment, relationship_id__in=wanted
        )
    }
    now = timezone.now()
    rows = []
    for rel_id, data in wanted.items():
        before = existing.get(rel_id)
        rating = Rating(relationship_id=rel_id, moment=moment, **data)
        rating.follow_up = before.follow_up if before else ""
        if rating.cooperation_impossible and not rating.follow_up:
            rating.follow_up = FollowUp.OPEN
        if not rating.cooperation_impossible:
            rating.follow_up = ""
        rating.rated_by = user
        rating.rated_at = now
        rows.append(rating)
    # One INSERT … ON CONFLICT DO UPDATE for new and changed ratings alike: a bulk_update
    # of 30 rows compiles a CASE per field and row, which cost more than the database work.
    Rating.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["relationship", "moment"],
        update_fields=[
            "value",
            "next_step",
            "note",
            "cooperation_impossible",
            "follow_up",
            "rated_by",
            "rated_at",
        ],
    )
    _tally_moment(moment)
    return len(wanted) + len(cleared)


def _tally_moment(moment) -> None:
    tallies_refresh(
        unit_id=moment.unit_id, school_year_id=moment.school_year_id, moment_ids=[moment.pk]
    )


def follow_up_set(*, user, rating: Rating, status: str) -> Rating:
    if not permissions.can_follow_up(user, rating.moment.unit_id):
        raise PermissionDenied
    if status not in FollowUp.values or not rating.cooperation_impossible:
        raise ValidationError(_("Ongeldige opvolgstatus."))
    rating.follow_up = status
    rating.save(update_fields=["follow_up"])
    return rating


def intervisie_record(*, user, moment, held_on, participants: str, agreements: str) -> Intervisie:
    if permissions.unit_access(user, moment.unit) != permissions.SCHOOL:
        raise PermissionDenied
    record = Intervisie(
        moment=moment,
        held_on=held_on,
        participants=participants.strip(),
        agreements=agreements.strip(),
        recorded_by=user,
    )
    record.full_clean()
    record.save()
    return record


def access_log(*, user, unit_id: int, group_id: int | None, what: str) -> None:
    AccessLog.objects.create(user=user, unit_id=unit_id, group_id=group_id, what=what[:40])


def retention_apply(*, today=None) -> int:
    """Delete families (with their relationships, ratings and notes) whose last school year
    ended more than GLANS_MEASUREMENT_RETENTION_YEARS ago. Idempotent."""
    today = today or timezone.localdate()
    years = int(getattr(settings, "GLANS_MEASUREMENT_RETENTION_YEARS", 2))
    cutoff = (
        today.replace(year=today.year - years)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year - years, day=28)
    )
    stale = (
        Family.objects.annotate(last=Max("relationships__school_year__end_date"))
        .filter(last__lt=cutoff)
        .values_list("pk", flat=True)
    )
    ids = list(stale)
    with transaction.atomic():
        touched = set(
            Relationship.objects.filter(family_id__in=ids)
            .order_by()
            .values_list("unit_id", "school_year_id")
            .distinct()
        )
        Family.objects.filter(pk__in=ids).delete()
        tallies_refresh_units(touched)  # their ratings are gone from the counts
    return len(ids)


@transaction.atomic
def self_check_record(*, user, group, values: dict[int, str], today=None) -> int:
    """Save `user`'s own monthly self-check for their `group` (relationship id → rating).
    Only the group's own teachers; all or nothing; kept apart from the school's moments."""
    if not permissions.can_rate(user, group):
        raise PermissionDenied
    month = (today or timezone.localdate()).replace(day=1)
    allowed = set(
        Relationship.objects.filter(group=group, is_active=True).values_list("pk", flat=True)
    )
    errors = {}
    for rel_id, value in values.items():
        if rel_id not in allowed:
            errors[str(rel_id)] = _("Onbekende relatie voor jouw groep.")
        elif value not in RatingValue.values:
            errors[str(rel_id)] = _("Kies glanst, neutraal of dof.")
    if errors:
        raise ValidationError(errors)
    for rel_id, value in values.items():
        SelfCheck.objects.update_or_create(
            relationship_id=rel_id, teacher=user, month=month, defaults={"value": value}
        )
    return len(values)


def practice_record(*, user, group, code: str, next_step: str, lesson_slug: str, today=None):
    """From dof to practice: record, with the teacher's own dull rating at the open moment,
    the follow-up step and the lesson they rehearsed the conversation with. Only the group's
    own teachers; only a rating that is dof; bad input changes nothing."""

    if not permissions.can_rate(user, group):
        raise PermissionDenied
    today = today or timezone.localdate()
    rating = (
        Rating.objects.select_related("moment")
        .filter(
            relationship__group=group,
            relationship__is_active=True,
            relationship__family__code=code,
            moment__opens_on__lte=today,
            moment__closes_on__gte=today,
        )
        .first()
    )
    if rating is None or rating.value != RatingValue.NEGATIVE:
        raise ValidationError(_("Dit kan alleen bij een gezin dat nu op dof staat."))
    errors = {}
    if next_step not in NextStep.values:
        errors["next_step"] = _("Kies een volgende stap.")
    slugs = {lesson["slug"] for lesson in practice_lessons()}
    if lesson_slug and lesson_slug not in slugs:
        errors["lesson"] = _("Onbekende les.")
    if errors:
        raise ValidationError(errors)
    rating.next_step = next_step
    rating.practised_lesson = lesson_slug
    rating.practised_at = timezone.now() if lesson_slug else None
    with transaction.atomic():
        rating.save(update_fields=["next_step", "practised_lesson", "practised_at"])
        _tally_moment(rating.moment)  # "dof without a next step" changes
    return rating


# The 3-op-1 week (issue #25) ------------------------------------------------------------


def appreciation_preference_set(*, user, channel: str):

    if channel not in AppreciationChannel.values:
        raise ValidationError(_("Kies uit, per e-mail of alleen op je overzicht."))
    preference, _created = AppreciationPreference.objects.update_or_create(
        user=user, defaults={"channel": channel}
    )
    return preference


def appreciation_weeks_plan(*, today=None) -> list[int]:
    """Start this week's 3-op-1 week of every opted-in teacher who has families rated
    neutraal: one row per teacher and week (its unique constraint makes a second run a
    no-op). Returns the ids of the weeks created now."""

    today = today or timezone.localdate()
    monday = week_start(today)
    created = []
    opted_in = AppreciationPreference.objects.exclude(channel="").select_related("user")
    teaching = set(
        Membership.objects.current().filter(groups__isnull=False).values_list("user_id", flat=True)
    )
    for preference in opted_in:
        user = preference.user
        if user.pk not in teaching or not user.is_active:
            continue
        if not neutral_relationships(user=user, today=today):
            continue
        week, was_created = AppreciationWeek.objects.get_or_create(teacher=user, week=monday)
        if was_created:
            created.append(week.pk)
    return created


def appreciation_tick(*, user, relationship_id: int, sent: bool = True, today=None) -> int:
    """Tick off (or undo) an appreciative message to a family of `user`'s own groups rated
    neutraal, in this week's 3-op-1 week. Returns this week's number of ticks."""

    today = today or timezone.localdate()
    allowed = {rel.pk for rel in neutral_relationships(user=user, today=today)}
    if relationship_id not in allowed:
        raise ValidationError(_("Dit gezin staat niet op neutraal in jouw groep."))
    week, _created = AppreciationWeek.objects.get_or_create(teacher=user, week=week_start(today))
    if sent:
        AppreciationTick.objects.get_or_create(week=week, relationship_id=relationship_id)
    else:
        AppreciationTick.objects.filter(week=week, relationship_id=relationship_id).delete()
    return week.ticks.count()
