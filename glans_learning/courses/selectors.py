"""Reads for programmes, lessons and sessions. Each selector runs a fixed number of queries,
whatever the size of the programme."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from glans_learning.organisations import permissions

from . import progress
from .models import (
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
    ProgrammePage,
    ReminderSettings,
    Session,
    SessionRegistration,
    letter_badge,
)

STEP = Page.steplen
SIDEBAR_LESSONS = 15  # lessons listed around the current one in a lesson's sidebar


def programme_overview(*, index):
    return ProgrammePage.objects.live().child_of(index).order_by("path")


def parent_link(*, page, request=None) -> PageLink | None:
    """The live parent of a page as a link (one raw read; its URL is the page's minus the
    slug)."""
    rows = _live_page_rows("path = %s", [page.path[:-STEP]])
    if not rows:
        return None
    pk, title, slug, _path = rows[0]
    url = page.get_url(request=request) or ""
    return PageLink(pk, title, slug, url[: -len(page.slug) - 1] if url else "")


@dataclass(slots=True)
class LessonItem:
    """A lesson in a list: the few fields lists need, without building a Wagtail page object
    for each of possibly hundreds of lessons."""

    pk: int
    title: str
    slug: str
    path: str
    estimated_minutes: int
    is_trainer_guide: bool
    is_optional: bool
    completion_rule: str = "activities"
    pass_score: int = 70
    activity_summary: list | None = None
    href: str = ""
    progress_state: object = None

    @property
    def id(self):
        return self.pk


@dataclass(slots=True)
class PageLink:
    """A page in a breadcrumb or sidebar: enough to link to it."""

    pk: int
    title: str
    slug: str
    href: str
    progress_state: object = None  # in a sidebar: the learner's stored status, if any


@dataclass(slots=True)
class ModuleItem:
    """A module in an outline: its own fields and its lessons, without a Wagtail page object."""

    pk: int
    title: str
    slug: str
    path: str
    letter: str
    estimated_minutes: int
    is_optional: bool
    href: str = ""
    outline_lessons: list = field(default_factory=list)
    progress_state: object = None

    @property
    def id(self):
        return self.pk

    @property
    def letter_badge(self):
        return letter_badge(self.letter)


def _tree_sql(condition: str, detailed: bool) -> str:
    """SQL for live pages of the course tree, with the module's or lesson's own columns where
    the page is one. Names come from the models; `condition` is ours, values are parameters."""
    qn = connection.ops.quote_name

    def columns(model, alias, names):
        return ", ".join(f"{alias}.{qn(model._meta.get_field(n).column)}" for n in names)

    lesson_fields = ["estimated_minutes", "is_trainer_guide", "is_optional"]
    if detailed:
        lesson_fields += ["completion_rule", "pass_score", "activity_summary"]
    module_pk = qn(ModulePage._meta.pk.column)
    lesson_pk = qn(LessonPage._meta.pk.column)
    return (
        f"SELECT p.id, p.title, p.slug, p.path, m.{module_pk}, "  # noqa: S608
        f"{columns(ModulePage, 'm', ['letter', 'estimated_minutes', 'is_optional'])}, "
        f"l.{lesson_pk}, {columns(LessonPage, 'l', lesson_fields)} "
        f"FROM {qn(Page._meta.db_table)} p "
        f"LEFT JOIN {qn(ModulePage._meta.db_table)} m ON m.{module_pk} = p.id "
        f"LEFT JOIN {qn(LessonPage._meta.db_table)} l ON l.{lesson_pk} = p.id "
        f"WHERE p.live = %s AND ({condition}) ORDER BY p.path"
    )


def _tree_rows(condition: str, params, *, detailed=False):
    """Live modules and lessons meeting `condition` (on `p.path` and `p.depth`), in tree order,
    as ModuleItem and LessonItem rows. One raw query: programme, module and lesson pages read
    it on every view, and for long programmes Django's compilation of the two equivalent
    querysets and its per-row conversions cost several times the query itself."""
    summary_field = LessonPage._meta.get_field("activity_summary")
    with connection.cursor() as cursor:
        cursor.execute(_tree_sql(condition, detailed), [True, *params])
        rows = cursor.fetchall()
    items = []
    for pk, title, slug, path, module_id, letter, m_minutes, m_optional, lesson_id, *rest in rows:
        if module_id is not None:
            items.append(ModuleItem(pk, title, slug, path, letter, m_minutes, bool(m_optional)))
        elif lesson_id is not None:
            minutes, guide, optional, *rule = rest
            item = LessonItem(pk, title, slug, path, minutes, bool(guide), bool(optional))
            if rule:
                item.completion_rule, item.pass_score, summary = rule
                item.activity_summary = summary_field.from_db_value(summary, None, connection)
            items.append(item)
    return items


def lesson_items(*, under: str, depth: int, detailed=False) -> list[LessonItem]:
    """The live lessons at `depth` below the page with path `under`, as light rows."""
    return [
        item
        for item in _tree_rows(
            "p.path LIKE %s AND p.depth = %s", [f"{under}%", depth], detailed=detailed
        )
        if isinstance(item, LessonItem)
    ]


def _child_hrefs(base: str | None, children) -> list:
    for child in children:
        child.href = f"{base}{child.slug}/"
    return children


def programme_outline(*, programme, detailed=False, request=None) -> list[ModuleItem]:
    """The live modules of a programme with their live lessons (`outline_lessons`), in one
    query. Lessons of a module that is not live are left out."""
    base = programme.get_url(request=request) or ""
    rows = _tree_rows(
        "p.path LIKE %s AND p.depth IN (%s, %s)",
        [f"{programme.path}%", programme.depth + 1, programme.depth + 2],
        detailed=detailed,
    )
    modules = {}
    for item in rows:
        if isinstance(item, ModuleItem) and len(item.path) == len(programme.path) + STEP:
            modules[item.path] = item
            item.href = f"{base}{item.slug}/"
        elif isinstance(item, LessonItem) and item.path[:-STEP] in modules:
            module = modules[item.path[:-STEP]]
            item.href = f"{module.href}{item.slug}/"
            module.outline_lessons.append(item)
    return list(modules.values())


def module_lessons(*, module, request=None, detailed=False):
    return _child_hrefs(
        module.get_url(request=request) or "",
        lesson_items(under=module.path, depth=module.depth + 1, detailed=detailed),
    )


def programme_sessions(*, user, programme) -> list:
    """All sessions of a programme the user may see, oldest first (one query)."""
    return list(
        sessions_visible_to(user)
        .filter(programme=programme)
        .select_related("unit")
        .order_by("starts_at")
    )


def upcoming(sessions, limit=10) -> list:
    now = timezone.now()
    return [s for s in sessions if s.ends_at >= now][:limit]


def upcoming_sessions_for_programme(*, programme, user):
    qs = sessions_visible_to(user).filter(programme=programme, ends_at__gte=timezone.now())
    return list(qs.select_related("unit").order_by("starts_at")[:10])


def sessions_visible_to(user):
    """Sessions a user may see: academy-wide ones and those of their own units; academy staff
    see all."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if roles.is_academy:
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(
        Q(unit__isnull=True) | Q(unit_id__in=list(roles.by_unit)) | Q(trainers=user)
    ).distinct()


def sessions_managed_by(user):
    """Sessions the user manages (plans, edits, records attendance of): academy trainers and
    admins all; others the sessions they train or planned, and team leads their unit's team
    sessions. A TdT meeting the academy holds at a school is not its participants' to manage."""
    roles = permissions.user_roles(user)
    qs = Session.objects.all()
    if roles.is_platform_admin or permissions.is_academy_trainer(user):
        return qs
    return qs.filter(
        Q(trainers=user)
        | Q(planned_by=user)
        | Q(
            kind=Session.Kind.TEAM,
            unit_id__in=list(roles.units_with(permissions.TEAM_LEAD_ROLES)),
        )
    ).distinct()


def _live_page_rows(condition: str, params) -> list[tuple]:
    """(pk, title, slug, path) of the live pages meeting an SQL condition on the page table, in
    tree order. A raw read because lesson pages need it on every view and compiling the same
    queryset costs Django more than running it; `condition` is written by us, values are always
    parameters."""
    table = connection.ops.quote_name(Page._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, title, slug, path FROM {table} WHERE live = %s AND ({condition}) "  # noqa: S608
            "ORDER BY path",
            [True, *params],
        )
        return cursor.fetchall()


@dataclass(slots=True)
class LessonFamily:
    """A lesson's place in the tree: its module and programme (links) and the module's
    lessons, with the lesson's index among them."""

    module: PageLink | None
    programme: PageLink | None
    siblings: list
    position: int | None


def lesson_family(*, lesson: LessonPage, request=None) -> LessonFamily:
    """The breadcrumb (programme, module) and the module's lessons, in one query."""
    module_path = lesson.path[:-STEP]
    programme_path = lesson.path[: -2 * STEP]
    family = _live_page_rows(
        "path IN (%s, %s) OR (path LIKE %s AND depth = %s)",
        [programme_path, module_path, f"{module_path}%", lesson.depth],
    )
    lesson_url = lesson.get_url(request=request) or ""
    module_href = lesson_url[: -len(lesson.slug) - 1]
    module = programme = None
    siblings = []
    position = None
    for pk, title, slug, path in family:
        if path == module_path:
            module = PageLink(pk, title, slug, module_href)
        elif path == programme_path:
            programme = (pk, title, slug)
        else:
            if pk == lesson.pk:
                position = len(siblings)
            siblings.append(PageLink(pk, title, slug, f"{module_href}{slug}/"))
    if module is None:
        programme = None
    elif programme is not None:
        programme = PageLink(*programme, module_href[: -len(module.slug) - 1])
    return LessonFamily(module, programme, siblings, position)


def lesson_context(
    *, lesson: LessonPage, user, family: LessonFamily, responses: dict, progress_row, enrolled
) -> dict:
    """Everything a lesson page shows beyond its body, in a fixed number of queries. Reads
    only: the page records the visit first (services.lesson_view) and passes what it returned
    (`progress_row`, `enrolled`) and the learner's answers (`responses`)."""
    siblings, position, programme = family.siblings, family.position, family.programme
    lesson_pk = lesson.pk
    previous_lesson = siblings[position - 1] if position else None
    next_lesson = (
        siblings[position + 1] if position is not None and position + 1 < len(siblings) else None
    )
    authenticated = getattr(user, "is_authenticated", False)
    enrollment = lesson_state = None
    if authenticated and programme is not None and enrolled:
        enrollment = True
        lesson_state = progress.evaluate_lesson(lesson, progress_row, responses)
        # The sidebar shows where the learner stands in the lessons it lists.
        shown, _before, _after = lesson_window(siblings, lesson_pk, SIDEBAR_LESSONS)
        statuses = _lesson_statuses(user, [s.pk for s in shown if s.pk != lesson_pk])
        for sibling in shown:
            sibling.progress_state = statuses.get(sibling.pk)
        if position is not None:
            siblings[position].progress_state = lesson_state
    self_enrolment = False
    if authenticated and enrollment is None and programme is not None:
        self_enrolment = bool(
            ProgrammePage.objects.filter(pk=programme.pk)
            .values_list("self_enrolment", flat=True)
            .first()
        )
    has_trainer_notes = any(block.block_type == "trainer_note" for block in lesson.body)
    return {
        "module": family.module,
        "programme": programme,
        "siblings": siblings,
        "position": (position + 1) if position is not None else None,
        "previous_lesson": previous_lesson,
        "next_lesson": next_lesson,
        "enrollment": enrollment,
        "programme_self_enrolment": self_enrolment,
        "lesson_state": lesson_state,
        "glans_activity_state": responses if authenticated else {},
        "glans_learner_id": getattr(user, "pk", None),
        "sidebar_lessons": SIDEBAR_LESSONS,
        "glans_show_trainer_notes": authenticated
        and has_trainer_notes
        and permissions.can_see_trainer_notes(user),
        "glans_activity_url": reverse("glans_courses:activity", args=[lesson.pk, "x"])[:-2]
        if authenticated
        else None,
    }


@dataclass(slots=True)
class ProgressRow:
    lesson_id: int
    status: str
    completed_at: object
    visits: int
    time_spent_seconds: int
    last_visit_at: object


def _progress_rows(user, lesson_ids=None, *, detailed=True, under=None):
    """The learner's stored progress per lesson. Overviews need the status only; reading
    fewer (datetime) columns keeps long programmes fast. `under` (a page path) selects the
    lessons below a programme or module without a long IN list."""
    if not detailed and under is not None:
        # Module and programme pages: a raw read, as for the tree (see _tree_rows).
        qn = connection.ops.quote_name
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT lp.lesson_id, lp.status FROM {qn(LessonProgress._meta.db_table)} lp "  # noqa: S608
                f"JOIN {qn(Page._meta.db_table)} p ON p.id = lp.lesson_id "
                "WHERE lp.user_id = %s AND p.path LIKE %s",
                [user.pk, f"{under}%"],
            )
            return {
                lesson_id: ProgressRow(lesson_id, status, None, 0, 0, None)
                for lesson_id, status in cursor.fetchall()
            }
    queryset = LessonProgress.objects.filter(user=user)
    if under is not None:
        queryset = queryset.filter(lesson__path__startswith=under)
    else:
        queryset = queryset.filter(lesson_id__in=lesson_ids)
    if not detailed:
        return {
            lesson_id: ProgressRow(lesson_id, status, None, 0, 0, None)
            for lesson_id, status in queryset.values_list("lesson_id", "status")
        }
    fields = (
        "lesson_id",
        "status",
        "completed_at",
        "visits",
        "time_spent_seconds",
        "last_visit_at",
    )
    return {row[0]: ProgressRow(*row) for row in queryset.values_list(*fields)}


def lesson_progress_row(*, user, lesson) -> ProgressRow | None:
    """The learner's progress on a lesson as a light row, or None. Every lesson page view reads
    it, so it is a raw read: Django compiling the equivalent queryset costs more than running
    it."""
    table = connection.ops.quote_name(LessonProgress._meta.db_table)
    for p in LessonProgress.objects.raw(
        f"SELECT id, lesson_id, status, completed_at, visits, time_spent_seconds, last_visit_at "  # noqa: S608 - table name from the model, values are parameters
        f"FROM {table} WHERE user_id = %s AND lesson_id = %s",
        [user.pk, lesson.pk],
    ):
        return ProgressRow(
            p.lesson_id, p.status, p.completed_at, p.visits, p.time_spent_seconds, p.last_visit_at
        )
    return None


def lesson_responses(*, user, lesson) -> dict:
    """The learner's answers on a lesson by block id (a raw read, see lesson_progress_row). A lesson
    without activities has none worth reading."""
    if not lesson.activity_summary:
        return {}
    table = connection.ops.quote_name(ActivityResponse._meta.db_table)
    return {
        r.block_id: r
        for r in ActivityResponse.objects.raw(
            f"SELECT * FROM {table} WHERE user_id = %s AND lesson_id = %s",  # noqa: S608 - as above
            [user.pk, lesson.pk],
        )
    }


def lesson_window(lessons, current, size):
    """At most `size` lessons around the current one, and how many were left out before and
    after them."""
    if size is None or len(lessons) <= size:
        return lessons, 0, 0
    index = next((i for i, lesson in enumerate(lessons) if lesson.pk == current), 0)
    start = max(0, min(index - size // 2, len(lessons) - size))
    return lessons[start : start + size], start, len(lessons) - start - size


def _lesson_statuses(user, lesson_ids) -> dict:
    """{lesson id: ProgressRow with the status} for a few lessons (a raw read, see
    _tree_rows)."""
    if not lesson_ids:
        return {}
    marks = ", ".join(["%s"] * len(lesson_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT lesson_id, status FROM {connection.ops.quote_name(LessonProgress._meta.db_table)} "  # noqa: S608
            f"WHERE user_id = %s AND lesson_id IN ({marks})",
            [user.pk, *lesson_ids],
        )
        return {pk: ProgressRow(pk, status, None, 0, 0, None) for pk, status in cursor.fetchall()}


def _responses_by_lesson(user, lesson_ids):
    responses: dict[int, dict] = {}
    for r in ActivityResponse.objects.filter(user=user, lesson_id__in=lesson_ids).only(
        "lesson_id", "block_id", "score", "kind"
    ):
        responses.setdefault(r.lesson_id, {})[r.block_id] = r
    return responses


def module_progress(*, user, module, lessons, detailed=False):
    """Module progress. Without `detailed`, lessons are judged by their stored status only
    (what overview pages need); with it, each lesson's open requirements are worked out."""

    ids = [lesson.pk for lesson in lessons]
    rows = _progress_rows(user, detailed=detailed, under=module.path)
    responses = _responses_by_lesson(user, ids) if detailed else None
    completion = ModuleCompletion.objects.filter(user=user, module=module).first()
    state = progress.evaluate_module(module, lessons, rows, responses, completion)
    _attach_states([state])
    return state


# --- progress ----------------------------------------------------------------------------


def active_enrollment_id(*, user, programme) -> int | None:
    """The id of the learner's active enrolment in a programme (a cheap read for pages)."""

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrollment.objects.filter(user=user, programme=programme, status=Enrollment.Status.ACTIVE)
        .order_by("-created_at")
        .values_list("pk", flat=True)
        .first()
    )


def active_enrollment(*, user, programme):

    if not getattr(user, "is_authenticated", False):
        return None
    return (
        Enrollment.objects.filter(user=user, programme=programme, status=Enrollment.Status.ACTIVE)
        .order_by("-created_at")
        .first()
    )


def programme_sessions_for(*, user, programme):
    return sessions_visible_to(user).filter(programme=programme)


def programme_progress(
    *, user, programme, modules=None, enrollment=None, detailed=False, sessions=None
):
    """The learner's progress in a programme, with what is still open (per lesson too when
    `detailed`). A fixed number of queries, whatever the programme's size."""

    if modules is None:
        modules = programme_outline(programme=programme, detailed=detailed)
    lessons = [lesson for m in modules for lesson in m.outline_lessons]
    lesson_ids = [lesson.pk for lesson in lessons]
    progress_rows = _progress_rows(user, detailed=detailed, under=programme.path)
    responses = _responses_by_lesson(user, lesson_ids) if detailed else None
    completions = {
        c.module_id: c
        for c in ModuleCompletion.objects.filter(user=user, module_id__in=[m.pk for m in modules])
    }
    programme_completion = ProgrammeCompletion.objects.filter(
        user=user, programme=programme
    ).first()
    if sessions is None:
        sessions = list(programme_sessions_for(user=user, programme=programme).only("id"))
    registrations = list(
        SessionRegistration.objects.filter(
            user=user, session_id__in=[x.pk for x in sessions], session__is_official=True
        ).only("attendance", "session_id")
    )
    module_states = [
        progress.evaluate_module(
            m, m.outline_lessons, progress_rows, responses, completions.get(m.pk)
        )
        for m in modules
    ]
    _attach_states(module_states)
    return progress.evaluate_programme(
        programme, module_states, registrations, len(sessions), programme_completion, enrollment
    )


def _attach_states(module_states) -> None:
    """Put each state on its page object, so templates need no lookups."""
    for module_state in module_states:
        module_state.module.progress_state = module_state
        for lesson_state in module_state.lessons:
            lesson_state.lesson.progress_state = lesson_state


def learner_dashboard(*, user, detailed=False):
    """'Mijn leerroute': every active enrolment with its progress, and upcoming sessions."""

    enrollments = list(
        Enrollment.objects.filter(user=user, status=Enrollment.Status.ACTIVE)
        .select_related("programme", "school_year")
        .order_by("programme__path")
    )
    states = [
        programme_progress(user=user, programme=e.programme, enrollment=e, detailed=detailed)
        for e in enrollments
    ]
    upcoming = list(
        Session.objects.filter(registrations__user=user, ends_at__gte=timezone.now())
        .select_related("programme")
        .order_by("starts_at")[:10]
    )
    return {"states": states, "upcoming_sessions": upcoming}


def self_enrolment_programmes(*, user):

    enrolled = Enrollment.objects.filter(user=user, status=Enrollment.Status.ACTIVE).values(
        "programme_id"
    )
    return ProgrammePage.objects.live().filter(self_enrolment=True).exclude(pk__in=enrolled)


def team_progress(*, unit, programme, school_year=None, role=None):
    """Members × modules matrix for a team dashboard, with attendance per session and who is
    stalled. A fixed number of queries for any team or programme size."""

    enrollments = Enrollment.objects.filter(
        programme=programme, unit=unit, status=Enrollment.Status.ACTIVE
    ).select_related("user", "school_year")
    if school_year is not None:
        enrollments = enrollments.filter(school_year=school_year)
    if role:
        enrollments = enrollments.filter(
            user__glans_memberships__unit=unit, user__glans_memberships__roles__code=role
        ).distinct()
    enrollments = list(
        enrollments.order_by("user__last_name", "user__first_name", "user__username")
    )
    user_ids = [e.user_id for e in enrollments]
    modules = programme_outline(programme=programme)
    lesson_module = {lesson.pk: m.pk for m in modules for lesson in m.outline_lessons}
    required_by_module = {
        m.pk: {lesson.pk for lesson in m.outline_lessons if not lesson.is_optional} for m in modules
    }
    done: dict[tuple[int, int], int] = {}
    touched: set[tuple[int, int]] = set()
    for user_id, lesson_id, status in LessonProgress.objects.filter(
        user_id__in=user_ids, lesson_id__in=list(lesson_module)
    ).values_list("user_id", "lesson_id", "status"):
        key = (user_id, lesson_module[lesson_id])
        touched.add(key)
        if status == "completed" and lesson_id in required_by_module[key[1]]:
            done[key] = done.get(key, 0) + 1
    completed_modules = set(
        ModuleCompletion.objects.filter(
            user_id__in=user_ids, module_id__in=[m.pk for m in modules]
        ).values_list("user_id", "module_id")
    )
    completed_programme = dict(
        ProgrammeCompletion.objects.filter(user_id__in=user_ids, programme=programme).values_list(
            "user_id", "completed_at"
        )
    )
    sessions = list(
        Session.objects.filter(programme=programme)
        .filter(Q(unit=unit) | Q(unit__isnull=True))
        .order_by("starts_at")
    )
    attendance = {
        (r.user_id, r.session_id): r
        for r in SessionRegistration.objects.filter(
            session_id__in=[s.pk for s in sessions], user_id__in=user_ids
        ).only("user_id", "session_id", "attendance")
    }
    stall_days = ReminderSettings.load().stall_days
    stall_before = timezone.now() - timedelta(days=stall_days)
    rows = []
    for enrollment in enrollments:
        cells = []
        total_required = total_done = 0
        for module in modules:
            need = len(required_by_module[module.pk])
            have = done.get((enrollment.user_id, module.pk), 0)
            if (enrollment.user_id, module.pk) in completed_modules:
                status, have = "completed", need
            elif (enrollment.user_id, module.pk) in touched:
                status = "in_progress"
            else:
                status = "not_started"
            total_required += need
            total_done += min(have, need)
            cells.append({"module": module, "status": status, "done": have, "total": need})
        last = enrollment.last_activity_at or enrollment.created_at
        completed_at = completed_programme.get(enrollment.user_id)
        rows.append(
            {
                "enrollment": enrollment,
                "user": enrollment.user,
                "cells": cells,
                "sessions": [attendance.get((enrollment.user_id, s.pk)) for s in sessions],
                "percent": 100
                if completed_at
                else int(100 * total_done / total_required)
                if total_required
                else 0,
                "completed_at": completed_at,
                "last_activity": enrollment.last_activity_at,
                "stalled": completed_at is None and last < stall_before,
            }
        )
    return {"modules": modules, "sessions": sessions, "rows": rows, "stall_days": stall_days}


SEARCH_LIMIT = 50


def lesson_search(*, request, query: str) -> tuple[list, bool]:
    """Live lessons matching `query` that the requester may open: pages behind a view
    restriction the request does not pass (login, groups, password) are left out. Returns
    (results, failed): `failed` when the search backend could not parse the query."""

    query = query.replace("\x00", "")
    query = "".join(c for c in query if not 0xD800 <= ord(c) <= 0xDFFF).strip()[:200]
    if not query:
        return [], False
    lessons = LessonPage.objects.live()
    for restriction in PageViewRestriction.objects.select_related("page"):
        if not restriction.accept_request(request):
            lessons = lessons.not_descendant_of(restriction.page, inclusive=True)
    try:
        with transaction.atomic():
            return list(lessons.search(query)[:SEARCH_LIMIT]), False
    except (DatabaseError, ValueError):
        # A query the backend cannot parse (quotes, operators) is no server error.
        return [], True
