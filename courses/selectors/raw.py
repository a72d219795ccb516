"""All raw SQL of courses, in one place: this module and, for the team dashboard's page of
learners, raw_team.py (which uses the helpers below and keeps the same rules).

Lesson, module and programme pages read the course tree and the learner's progress on every
view; for long programmes Django's compilation of the equivalent querysets and its per-row
conversions cost several times the queries themselves (see docs/performance.md). These reads
are therefore written as SQL — only here. Rules:

- every table and column name comes from the models (`_meta.db_table`,
  `_meta.get_field(name).column`), quoted by the backend;
- every value is a query parameter;
- callers pass values, never SQL: each condition is written in this module;
- tests/courses/test_outline.py compares every function here with the ORM.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from wagtail.models import Page, PageViewRestriction

from ..models import (
    ActivityResponse,
    Enrollment,
    LessonPage,
    LessonProgress,
    ModuleCompletion,
    ModulePage,
    ProgrammeCompletion,
    ProgrammePage,
    Session,
    SessionRegistration,
)
from . import tree_cache
from .rows import LessonItem, ModuleItem, ProgressRow


def _table(model) -> str:
    return _quoted_table(model, connection.vendor)


def _col(model, name: str, alias: str | None = None) -> str:
    return _quoted_column(model, name, alias, connection.vendor)


# Names from `_meta`, quoted by the backend, worked out once per model, name and database
# vendor (every page view builds its SQL from them).
@cache
def _quoted_table(model, vendor: str) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@cache
def _quoted_column(model, name: str, alias: str | None, vendor: str) -> str:
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    column = connection.ops.quote_name(field.column)
    return f"{alias}.{column}" if alias else column


def _marks(values) -> str:
    return ", ".join(["%s"] * len(values))


def _fetched(sql: str, params) -> list[tuple]:
    """The rows of a query written in this module, as plain tuples."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def _below(column: str, path: str) -> tuple[str, list]:
    """SQL and parameters for "`column` is the path of a page below the page at `path`".
    `LIKE 'path%'` says it; the range on the same column (descendants sort after `path` and
    before the next page at its level, as treebeard's paths are fixed-width steps of one
    alphabet) lets SQLite use the path index, which it cannot for LIKE (PostgreSQL can)."""
    alphabet = Page.alphabet
    stem = path.rstrip(alphabet[-1])
    if not stem:
        return f"({column} > %s AND {column} LIKE %s)", [path, f"{path}%"]
    following = stem[:-1] + alphabet[alphabet.index(stem[-1]) + 1]
    return f"({column} > %s AND {column} < %s AND {column} LIKE %s)", [path, following, f"{path}%"]


_LOADERS: dict = {}


def _loader(model):
    """(select list, converters) for all of a model's concrete fields, in their order, worked
    out once per model and database: what Django's raw querysets work out on every query."""
    key = (model, connection.alias, connection.vendor)
    found = _LOADERS.get(key)
    if found is None:
        fields = model._meta.concrete_fields
        columns = ", ".join(
            f"{_table(field.model)}.{connection.ops.quote_name(field.column)}" for field in fields
        )
        found = _LOADERS[key] = (columns, _converters(fields))
    return found


def _converters(fields) -> list:
    """[(index, converter functions, column)] for the fields whose database values Django
    converts (datetimes on SQLite, JSON, …), by their index in a row."""
    converters = []
    for index, field in enumerate(fields):
        col = field.get_col(field.model._meta.db_table)
        functions = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if functions:
            converters.append((index, functions, col))
    return converters


def _converted(row, converters) -> list:
    row = list(row)
    for index, functions, col in converters:
        value = row[index]
        for function in functions:
            value = function(value, col, connection)
        row[index] = value
    return row


def _instances(model, sql_from_where: str, params) -> list:
    """Instances of `model` from ``SELECT <all its columns> <sql_from_where>``: the tables
    are named by `_table`, the conditions written in this module, values are parameters."""
    return _built(model, _selected(model, sql_from_where, params))


def _selected(model, sql_from_where: str, params) -> tuple:
    """The database rows of `_instances`, as read (tuples of plain values)."""
    columns, _converters = _loader(model)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} {sql_from_where}", params)  # noqa: S608 - names from _meta
        return tuple(cursor.fetchall())


def _built(model, rows) -> list:
    """New instances of `model` from rows of `_selected`."""
    _columns, converters = _loader(model)
    instances = []
    for row in rows:
        if converters:
            row = _converted(row, converters)
        instances.append(model.from_db(connection.alias, None, row))
    return instances


# --- the course tree ----------------------------------------------------------------------

_PAGE_FIELDS = ("pk", "title", "slug", "path")
_MODULE_FIELDS = ("letter", "estimated_minutes", "is_optional")
_LESSON_FIELDS = ("estimated_minutes", "is_trainer_guide", "is_optional")
_LESSON_DETAIL_FIELDS = ("completion_rule", "pass_score", "activity_summary")


def tree_items(*, under: str, depths: list[int], detailed=False) -> list:
    """The live modules and lessons below the page with path `under`, at the given depths, in
    tree order, as ModuleItem and LessonItem rows (other pages are left out). One query, or
    none while this process's copy of the tree is current (tree_cache); the items are new on
    every call, as callers fill in links and progress."""
    depths = tuple(depths)
    rows = tree_cache.rows(
        ("tree", under, depths, detailed), lambda: _tree_rows(under, depths, detailed)
    )
    summary_field = LessonPage._meta.get_field("activity_summary")
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


def _tree_rows(under: str, depths: tuple, detailed: bool) -> tuple:
    lesson_fields = _LESSON_FIELDS + (_LESSON_DETAIL_FIELDS if detailed else ())
    columns = [
        *(_col(Page, name, "p") for name in _PAGE_FIELDS),
        _col(ModulePage, "pk", "m"),
        *(_col(ModulePage, name, "m") for name in _MODULE_FIELDS),
        _col(LessonPage, "pk", "l"),
        *(_col(LessonPage, name, "l") for name in lesson_fields),
    ]
    below, below_params = _below(_col(Page, "path", "p"), under)
    sql = (
        f"SELECT {', '.join(columns)} FROM {_table(Page)} p "  # noqa: S608 - names from _meta
        f"LEFT JOIN {_table(ModulePage)} m ON {_col(ModulePage, 'pk', 'm')} = {_col(Page, 'pk', 'p')} "
        f"LEFT JOIN {_table(LessonPage)} l ON {_col(LessonPage, 'pk', 'l')} = {_col(Page, 'pk', 'p')} "
        f"WHERE {_col(Page, 'live', 'p')} = %s AND {below} "
        f"AND {_col(Page, 'depth', 'p')} IN ({_marks(depths)}) ORDER BY {_col(Page, 'path', 'p')}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [True, *below_params, *depths])
        return tuple(cursor.fetchall())


def _live_pages(where: str, params) -> list[tuple]:
    """(pk, title, slug, path) of the live pages meeting `where` (written in this module), in
    tree order."""
    columns = ", ".join(_col(Page, name) for name in _PAGE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {_table(Page)} "  # noqa: S608 - names from _meta
            f"WHERE {_col(Page, 'live')} = %s AND ({where}) ORDER BY {_col(Page, 'path')}",
            [True, *params],
        )
        return cursor.fetchall()


def self_enrolment_programmes() -> list[tuple]:
    """(pk, title, slug, path) of the live programmes learners may enrol in themselves, in
    tree order: one query, or none while this process's copy of the tree is current (a
    programme's `self_enrolment` changes only when an editor saves it)."""
    return list(tree_cache.rows(("self-enrolment",), _self_enrolment_rows))


def _self_enrolment_rows() -> tuple:
    columns = ", ".join(_col(Page, name, "p") for name in _PAGE_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {columns} FROM {_table(Page)} p JOIN {_table(ProgrammePage)} g "  # noqa: S608 - names from _meta
            f"ON {_col(ProgrammePage, 'pk', 'g')} = {_col(Page, 'pk', 'p')} "
            f"WHERE {_col(Page, 'live', 'p')} = %s AND {_col(ProgrammePage, 'self_enrolment', 'g')} = %s "
            f"ORDER BY {_col(Page, 'path', 'p')}",
            [True, True],
        )
        return tuple(cursor.fetchall())


def live_page_at(*, path: str) -> tuple | None:
    """(pk, title, slug, path) of the live page at `path`, or None."""
    rows = _live_pages(f"{_col(Page, 'path')} = %s", [path])
    return rows[0] if rows else None


def live_lesson_family(
    *, programme_path: str, module_path: str, lesson_path: str, window: int
) -> tuple[list[tuple], list[tuple], int]:
    """A lesson's programme and module, and the module's live pages at the lesson's depth
    around it: ((pk, title, slug, path) of programme and module, (index, pk, title, slug) of
    the pages at most `window` places from the lesson, how many pages the module has at that
    depth). One query, or none while this process's copy of the tree is current; a lesson
    that is not live (a preview) gets all of them, in a second."""
    parents, siblings, total = tree_cache.rows(
        ("family", lesson_path, window),
        lambda: _lesson_family_rows(programme_path, module_path, lesson_path, window),
    )
    return list(parents), list(siblings), total


def _lesson_family_rows(
    programme_path: str, module_path: str, lesson_path: str, window: int
) -> tuple[list[tuple], list[tuple], int]:
    """live_lesson_family's read."""
    path, depth, live = _col(Page, "path"), _col(Page, "depth"), _col(Page, "live")
    columns = ", ".join(_col(Page, name) for name in _PAGE_FIELDS)
    below, below_params = _below(path, module_path)
    table = _table(Page)
    siblings_of = f"FROM {table} WHERE {live} = %s AND {below} AND {depth} = %s"
    level = [True, *below_params, len(lesson_path) // Page.steplen]
    # Subqueries with LIMIT take the lessons around this one along the path index; the two
    # counts give the module's number of lessons and this lesson's place among them.
    sql = (
        f"SELECT {columns}, 'p', 0, 0 FROM {table} WHERE {live} = %s AND {path} IN (%s, %s) "  # noqa: S608 - names from _meta
        f"UNION ALL SELECT {columns}, 'c', 0, 0 FROM {table} WHERE {live} = %s AND {path} = %s "
        f"UNION ALL SELECT * FROM (SELECT {columns}, 's', 0, 0 {siblings_of} AND {path} < %s "
        f"ORDER BY {path} DESC LIMIT %s) b "
        f"UNION ALL SELECT * FROM (SELECT {columns}, 's', 0, 0 {siblings_of} AND {path} > %s "
        f"ORDER BY {path} LIMIT %s) a "
        f"UNION ALL SELECT NULL, NULL, NULL, NULL, 'n', COUNT(*), "
        f"COALESCE(SUM(CASE WHEN {path} < %s THEN 1 ELSE 0 END), 0) {siblings_of}"
    )
    params = [True, programme_path, module_path, True, lesson_path]
    params += [*level, lesson_path, window, *level, lesson_path, window]
    params += [lesson_path, *level]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    total, before = next(row[5:7] for row in rows if row[4] == "n")
    parents = sorted((row[:4] for row in rows if row[4] == "p"), key=lambda row: row[3])
    if not any(row[4] == "c" for row in rows):  # not live (a preview): all the lessons
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} {siblings_of} ORDER BY {path}", level)  # noqa: S608 - names from _meta
            return parents, [(i, *row[:3]) for i, row in enumerate(cursor.fetchall())], total
    around = sorted((row[:4] for row in rows if row[4] in ("c", "s")), key=lambda row: row[3])
    first = before - sum(1 for row in around if row[3] < lesson_path)
    siblings = [(first + i, *row[:3]) for i, row in enumerate(around)]
    return parents, siblings, total


# --- the learner's progress -----------------------------------------------------------------


def _status_rows(rows) -> dict:
    return {pk: ProgressRow(pk, status, None, 0, 0, None) for pk, status in rows}


def progress_statuses_under(*, user, under: str) -> dict:
    """{lesson id: ProgressRow with the status only} of the learner's lessons below the page
    with path `under` (a programme or module)."""
    lesson, status, owner = (_col(LessonProgress, n, "lp") for n in ("lesson", "status", "user"))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {lesson}, {status} FROM {_table(LessonProgress)} lp "  # noqa: S608 - names from _meta
            f"JOIN {_table(Page)} p ON {_col(Page, 'pk', 'p')} = {lesson} "
            f"WHERE {owner} = %s AND {_col(Page, 'path', 'p')} LIKE %s",
            [user.pk, f"{under}%"],
        )
        return _status_rows(cursor.fetchall())


def _learner_progress(user, lesson_ids) -> tuple[str, list]:
    """FROM and WHERE of the learner's progress rows on these lessons, and the parameters."""
    return (
        f"FROM {_table(LessonProgress)} WHERE {_col(LessonProgress, 'user')} = %s "
        f"AND {_col(LessonProgress, 'lesson')} IN ({_marks(lesson_ids)})",
        [user.pk, *lesson_ids],
    )


def progress_statuses(*, user, lesson_ids) -> dict:
    """{lesson id: ProgressRow with the status only} for a few lessons."""
    if not lesson_ids:
        return {}
    with connection.cursor() as cursor:
        sql, params = _learner_progress(user, lesson_ids)
        cursor.execute(
            f"SELECT {_col(LessonProgress, 'lesson')}, {_col(LessonProgress, 'status')} {sql}",  # noqa: S608 - names from _meta
            params,
        )
        return _status_rows(cursor.fetchall())


def progress_row(*, user, lesson) -> ProgressRow | None:
    """The learner's progress on a lesson, or None."""
    return progress_rows(user=user, lesson_ids=[lesson.pk]).get(lesson.pk)


def progress_rows(*, user, lesson_ids) -> dict:
    """{lesson id: ProgressRow} of the learner's progress on a few lessons, in one query (a
    lesson page reads its own and those of the lessons in its sidebar)."""
    ids = list(lesson_ids)
    if not ids:
        return {}
    return {
        p.lesson_id: ProgressRow(
            p.lesson_id, p.status, p.completed_at, p.visits, p.time_spent_seconds, p.last_visit_at
        )
        for p in _instances(LessonProgress, *_learner_progress(user, ids))
    }


_PROGRESS_ROW_FIELDS = (
    "lesson",
    "status",
    "completed_at",
    "visits",
    "time_spent_seconds",
    "last_visit_at",
)


@cache
def _progress_row_loader(vendor: str):
    """(select list, converters) of a ProgressRow's columns, per database vendor."""
    fields = [LessonProgress._meta.get_field(name) for name in _PROGRESS_ROW_FIELDS]
    columns = ", ".join(_col(LessonProgress, name) for name in _PROGRESS_ROW_FIELDS)
    return columns, _converters(fields)


def progress_row_and_statuses(*, user, lesson_id, others) -> tuple[ProgressRow | None, dict]:
    """The learner's progress on a lesson, and {lesson id: ProgressRow with the status only}
    of `others` (the lessons a lesson page's sidebar lists), in one query: only the lesson's
    own row is converted in full."""
    ids = [lesson_id, *(pk for pk in others if pk != lesson_id)]
    columns, converters = _progress_row_loader(connection.vendor)
    sql, params = _learner_progress(user, ids)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} {sql}", params)  # noqa: S608 - names from _meta
        rows = cursor.fetchall()
    current, statuses = None, {}
    for row in rows:
        if row[0] != lesson_id:
            statuses[row[0]] = ProgressRow(row[0], row[1], None, 0, 0, None)
        else:
            current = ProgressRow(*_converted(row, converters))
    return current, statuses


def responses(*, user, lesson) -> dict:
    """The learner's answers on a lesson by block id."""
    return {
        r.block_id: r
        for r in _instances(
            ActivityResponse,
            f"FROM {_table(ActivityResponse)} WHERE {_col(ActivityResponse, 'user')} = %s "
            f"AND {_col(ActivityResponse, 'lesson')} = %s",
            [user.pk, lesson.pk],
        )
    }


# --- routing and view restrictions ------------------------------------------------------------


def view_restrictions(*, path: str) -> list[PageViewRestriction]:
    """The view restrictions on the page at `path` and on its ancestors, an alias's taken from
    its source page (as Wagtail's `Page.get_view_restrictions`), in one query."""
    step = Page.steplen
    paths = [path[:end] for end in range(step, len(path) + 1, step)]
    page_id, alias_of = _col(Page, "pk", "p"), _col(Page, "alias_of", "p")
    return _instances(
        PageViewRestriction,
        f"FROM {_table(PageViewRestriction)} WHERE {_col(PageViewRestriction, 'page')} IN "  # noqa: S608 - names from _meta
        f"(SELECT COALESCE({alias_of}, {page_id}) FROM {_table(Page)} p "
        f"WHERE {_col(Page, 'path', 'p')} IN ({_marks(paths)})) "
        f"ORDER BY {_col(PageViewRestriction, 'pk')}",
        paths,
    )


def page_by_url_path(*, model, under: str, depth: int, url_path: str):
    """The page of exactly type `model` (a direct subclass of Page) below the page with path
    `under`, at `depth`, with `url_path`, or None (a course page's routing). One query, or
    none while the course tree's copy is current (tree_cache): the page's row is kept as
    read, and every call builds a new instance from it. A URL that finds no page is not
    kept (anyone can ask for any URL)."""
    if model._meta.get_parent_list() != [Page]:
        raise ValueError(f"{model.__name__} is not a direct subclass of Page")
    slug = url_path.rstrip("/").rsplit("/", 1)[-1]
    page, table = _table(Page), _table(model)
    sql = (
        f"FROM {page} JOIN {table} "
        f"ON {table}.{_col(model, 'pk')} = {page}.{_col(Page, 'pk')} "
        f"WHERE {page}.{_col(Page, 'slug')} = %s AND {page}.{_col(Page, 'depth')} = %s "
        f"AND {page}.{_col(Page, 'path')} LIKE %s AND {page}.{_col(Page, 'url_path')} = %s"
    )
    rows = tree_cache.rows(
        ("page-by-url", model._meta.label_lower, under, depth, url_path),
        lambda: _selected(model, sql, [slug, depth, f"{under}%", url_path]),
        keep=bool,
    )
    found = _built(model, rows)
    return found[0] if found else None


# --- a programme page's own reads -------------------------------------------------------------


def active_enrollment_id(*, user, programme_id: int) -> int | None:
    """The id of the learner's newest active enrolment in a programme, or None."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_col(Enrollment, 'pk')} FROM {_table(Enrollment)} "  # noqa: S608 - names from _meta
            f"WHERE {_col(Enrollment, 'status')} = %s AND {_col(Enrollment, 'user')} = %s "
            f"AND {_col(Enrollment, 'programme')} = %s "
            f"ORDER BY {_col(Enrollment, 'created_at')} DESC, {_col(Enrollment, 'pk')} DESC",
            [Enrollment.Status.ACTIVE, user.pk, programme_id],
        )
        row = cursor.fetchone()
    return row[0] if row else None


def module_completions(*, user, module_ids) -> dict:
    """{module id: ModuleCompletion} of the learner for these modules."""
    if not module_ids:
        return {}
    return {
        c.module_id: c
        for c in _instances(
            ModuleCompletion,
            f"FROM {_table(ModuleCompletion)} WHERE {_col(ModuleCompletion, 'user')} = %s "
            f"AND {_col(ModuleCompletion, 'module')} IN ({_marks(module_ids)})",
            [user.pk, *module_ids],
        )
    }


def programme_completion(*, user, programme_id: int):
    """The learner's ProgrammeCompletion of a programme, or None."""
    found = _instances(
        ProgrammeCompletion,
        f"FROM {_table(ProgrammeCompletion)} WHERE {_col(ProgrammeCompletion, 'user')} = %s "
        f"AND {_col(ProgrammeCompletion, 'programme')} = %s "
        f"ORDER BY {_col(ProgrammeCompletion, 'pk')}",
        [user.pk, programme_id],
    )
    return found[0] if found else None


def _visible_sessions(table: str, user_id: int | None, unit_ids) -> tuple[str, list]:
    """SQL (" AND …") and parameters for "the user may see this session" (`table`: the session
    table's name in the query): none with `user_id` None (academy staff); else the academy-wide
    ones, those of `unit_ids` and those the user trains."""
    if user_id is None:
        return "", []
    unit = _col(Session, "unit", table)
    through = Session.trainers.through
    trainer_session = _col(through, "session")
    trainer_user = _col(through, "user")
    units = f" OR {unit} IN ({_marks(unit_ids)})" if unit_ids else ""
    return (
        f" AND ({unit} IS NULL{units} OR EXISTS (SELECT 1 FROM {_table(through)} t "  # noqa: S608 - names from _meta
        f"WHERE t.{trainer_session} = {_col(Session, 'pk', table)} AND t.{trainer_user} = %s))"
    ), [*unit_ids, user_id]


def programme_sessions(*, programme_id: int, user_id: int | None, unit_ids) -> list:
    """The sessions of a programme, oldest first: all of them with `user_id` None (academy
    staff); else the academy-wide ones, those of `unit_ids` and those the user trains."""
    table = _table(Session)
    visible, visible_params = _visible_sessions(table, user_id, unit_ids)
    where = f"{_col(Session, 'programme', table)} = %s{visible}"
    params: list = [programme_id, *visible_params]
    return _instances(
        Session,
        f"FROM {table} WHERE {where} "
        f"ORDER BY {_col(Session, 'starts_at', table)}, {_col(Session, 'pk', table)}",
        params,
    )


def session_counts(*, programme_ids, user_id: int | None, unit_ids) -> dict:
    """{programme id: how many of its sessions the user may see} for these programmes (those
    without any left out); who sees what as in programme_sessions."""
    if not programme_ids:
        return {}
    table = _table(Session)
    programme = _col(Session, "programme", table)
    visible, visible_params = _visible_sessions(table, user_id, unit_ids)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {programme}, COUNT(*) FROM {table} "  # noqa: S608 - names from _meta
            f"WHERE {programme} IN ({_marks(programme_ids)}){visible} GROUP BY {programme}",
            [*programme_ids, *visible_params],
        )
        return dict(cursor.fetchall())


def programme_completions(*, user, programme_ids) -> dict:
    """{programme id: the learner's first ProgrammeCompletion of it} for these programmes."""
    if not programme_ids:
        return {}
    found: dict = {}
    for completion in _instances(
        ProgrammeCompletion,
        f"FROM {_table(ProgrammeCompletion)} WHERE {_col(ProgrammeCompletion, 'user')} = %s "
        f"AND {_col(ProgrammeCompletion, 'programme')} IN ({_marks(programme_ids)}) "
        f"ORDER BY {_col(ProgrammeCompletion, 'pk')}",
        [user.pk, *programme_ids],
    ):
        found.setdefault(completion.programme_id, completion)
    return found


def programme_official_registrations(*, user, programme_id) -> list:
    """The learner's registrations (session id, attendance) for the official sessions of a
    programme: the one definition of the sessions that count (completion, the learner's
    route, the team, exports and the API all read it so), whichever sessions the learner
    can still see."""

    session = _col(SessionRegistration, "session", "r")
    return list(
        SessionRegistration.objects.raw(
            f"SELECT {_col(SessionRegistration, 'pk', 'r')}, {session}, "  # noqa: S608 - names from _meta
            f"{_col(SessionRegistration, 'attendance', 'r')} "
            f"FROM {_table(SessionRegistration)} r JOIN {_table(Session)} s "
            f"ON {_col(Session, 'pk', 's')} = {session} "
            f"WHERE {_col(SessionRegistration, 'user', 'r')} = %s "
            f"AND {_col(Session, 'programme', 's')} = %s AND {_col(Session, 'is_official', 's')} = %s",
            [user.pk, programme_id, True],
        )
    )


def official_registrations(*, user, session_ids) -> list:
    """The learner's registrations (session id, attendance) for those of these sessions that
    count toward a programme (official ones)."""
    if not session_ids:
        return []
    session = _col(SessionRegistration, "session", "r")
    return list(
        SessionRegistration.objects.raw(
            f"SELECT {_col(SessionRegistration, 'pk', 'r')}, {session}, "  # noqa: S608 - names from _meta
            f"{_col(SessionRegistration, 'attendance', 'r')} "
            f"FROM {_table(SessionRegistration)} r JOIN {_table(Session)} s "
            f"ON {_col(Session, 'pk', 's')} = {session} "
            f"WHERE {_col(SessionRegistration, 'user', 'r')} = %s AND {session} IN "
            f"({_marks(session_ids)}) AND {_col(Session, 'is_official', 's')} = %s",
            [user.pk, *session_ids, True],
        )
    )
