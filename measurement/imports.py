"""Group lists into relationships: a CSV/XLSX template or an EDEXML file (the EDEX export of
ParnasSys, Esis and others). All or nothing, with a dry-run preview and line-level errors.

Names of pupils and parents are never read into the database: a pupil's stable key is
turned into a keyed hash on the spot, and a family gets a generated code. By default each
pupil's parents are one family; rows sharing a `gezin` value (CSV) are linked as siblings.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError, fromstring
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from glans_learning.organisations.models import Group

from .import_files import (  # noqa: F401 (the caps are read from here too)
    MAX_BYTES,
    MAX_ROWS,
    max_bytes,
    max_rows,
    table_rows,
    too_many_rows,
)
from .models import Family, FamilyKey, ImportJob, ImportStatus, Relationship
from .services import _code_for, pupil_key_hashes, tallies_refresh

BATCH = 2000
ASYNC_ROWS = 1000  # bigger files import in the background, with a progress bar
COLUMNS = {
    "groep": "group",
    "group": "group",
    "jaargroep": "grade",
    "leerjaar": "grade",
    "leerlingnummer": "pupil_key",
    "leerlingsleutel": "pupil_key",
    "pupil_key": "pupil_key",
    "aanduiding": "label",
    "label": "label",
    "gezin": "family",
    "family": "family",
}


@dataclass
class Problem:
    line: int
    field: str
    message: str


@dataclass
class Row:
    line: int
    group: str
    grade: int | None
    pupil_key: str
    label: str = ""
    family: str = ""


@dataclass
class Preview:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    groups_new: list[str] = field(default_factory=list)
    groups_existing: list[str] = field(default_factory=list)
    families_new: int = 0
    families_existing: int = 0
    relationships: int = 0
    # Active relationships of the school year that the file does not name: they end only
    # when the import is asked to (`end_missing`); `missing_groups` is (group, count).
    deactivated: int = 0
    missing_groups: list[tuple[str, int]] = field(default_factory=list)
    end_missing: bool = False
    ended: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems and bool(self.rows)


def _grade(value: str) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 0 <= int(value) <= 16 else None


def parse_table(name: str, data: bytes) -> tuple[list[Row], list[Problem]]:
    numbered = [
        (n, r) for n, r in enumerate(table_rows(name, data), start=1) if any(c.strip() for c in r)
    ]
    if not numbered:
        raise ValidationError(_("Het bestand is leeg."))
    header = [COLUMNS.get(c.strip().lower()) for c in numbered[0][1]]
    if "group" not in header or "pupil_key" not in header:
        raise ValidationError(
            _("De eerste regel moet de kolommen 'groep' en 'leerlingnummer' bevatten.")
        )
    rows, problems = [], []
    for line, raw in numbered[1:]:
        values = {
            key: (raw[i].strip() if i < len(raw) else "") for i, key in enumerate(header) if key
        }
        if not values.get("group"):
            problems.append(Problem(line, "groep", _("Vul de groep in.")))
            continue
        key = values.get("pupil_key", "")
        if not key or key.startswith("#"):
            problems.append(
                Problem(line, "leerlingnummer", _("Een vast leerlingnummer ontbreekt."))
            )
            continue
        if len(values.get("label", "")) > 40:
            problems.append(Problem(line, "aanduiding", _("Maximaal 40 tekens.")))
            continue
        rows.append(
            Row(
                line,
                values["group"][:100],
                _grade(values.get("grade", "")),
                key,
                values.get("label", ""),
                values.get("family", ""),
            )
        )
    return rows, problems


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_edexml(data: bytes) -> tuple[list[Row], list[Problem]]:
    """Groups and pupils from an EDEXML (1.03–2.1) file, parsed safely (no entities, no
    external references). Only the pupil's @key and group are read; names are skipped."""
    try:
        root = fromstring(data)
    except (ParseError, DefusedXmlException, ValueError):
        raise ValidationError(_("Het EDEXML-bestand is geen geldige XML.")) from None
    if _local(root.tag) not in ("EDEX", "leerlinggegevens"):
        raise ValidationError(_("Dit is geen EDEXML-bestand (verwacht <EDEX>)."))

    def children(node, name):
        return [c for c in node if _local(c.tag) == name]

    def text(node, name):
        found = children(node, name)
        return (found[0].text or "").strip() if found else ""

    groups = {}
    for container in children(root, "groepen"):
        for g in container:
            if _local(g.tag) in ("groep", "samengestelde_groep"):
                groups[g.get("key", "").strip()] = (text(g, "naam"), _grade(text(g, "jaargroep")))
    rows, problems = [], []
    pupils = [p for c in children(root, "leerlingen") for p in children(c, "leerling")]
    if not pupils:
        raise ValidationError(_("Het EDEXML-bestand bevat geen leerlingen."))
    for number, pupil in enumerate(pupils, start=1):
        key = (pupil.get("key") or "").strip()
        if not key or key.startswith("#"):
            problems.append(
                Problem(number, "leerling@key", _("Deze leerling heeft geen vaste sleutel."))
            )
            continue
        if children(pupil, "uitstroomdatum"):
            continue  # left the school
        refs = children(pupil, "groep")
        if not refs:
            problems.append(Problem(number, "groep", _("Deze leerling zit in geen groep.")))
            continue
        group_key = refs[0].get("key", "").strip()
        if group_key not in groups:
            problems.append(
                Problem(number, "groep", _("Onbekende groep %(key)s.") % {"key": group_key})
            )
            continue
        name, grade = groups[group_key]
        rows.append(Row(number, (name or group_key)[:100], grade, key))
    return rows, problems


def read_upload(upload) -> tuple[list[Row], list[Problem]]:
    name = (upload.name or "").lower()
    limit = max_bytes()
    too_big = ValidationError(
        _("Het bestand is te groot (maximaal %(mb)s MB).")
        % {"mb": max(1, round(limit / (1024 * 1024)))}
    )
    if not name.endswith((".xml", ".csv", ".xlsx")):
        raise ValidationError(_("Kies een CSV-, XLSX- of EDEXML-bestand (.xml)."))
    if upload.size > limit:
        raise too_big
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise too_big
    if name.endswith(".xml"):
        rows, problems = parse_edexml(data)
    else:
        rows, problems = parse_table(name, data)
    if len(rows) > max_rows():
        raise too_many_rows()
    return rows, problems


def _plan(*, unit, school_year, rows: list[Row], problems: list[Problem]) -> tuple[Preview, dict]:
    """What an import of `rows` would do. A fixed number of queries whatever the number of
    rows: each reads the school's own keys, groups or relationships (never an IN list of
    the file's rows), and the rest is dictionaries."""
    preview = Preview(rows=rows, problems=list(problems))
    seen = {}
    for row in rows:
        k = (row.group, row.pupil_key)
        if k in seen:
            preview.problems.append(
                Problem(row.line, "leerlingnummer", _("Dubbel met regel %(n)s.") % {"n": seen[k]})
            )
        seen[k] = row.line
    hashes = pupil_key_hashes(unit_id=unit.pk, pupil_keys=(row.pupil_key for row in rows))
    # Every key the school holds: one query, bounded by the school's size.
    known = dict(FamilyKey.objects.filter(unit=unit).values_list("key_hash", "family_id"))
    # Siblings: rows sharing a `family` value form one family.
    family_of_pupil: dict[str, str] = {}
    clusters: dict[str, list[Row]] = {}
    for row in rows:
        cluster = f"f:{row.family}" if row.family else f"p:{row.pupil_key}"
        clusters.setdefault(cluster, []).append(row)
    cluster_family: dict[str, int | None] = {}
    for cluster, members in clusters.items():
        existing = {known[hashes[m.pupil_key]] for m in members if hashes[m.pupil_key] in known}
        if len(existing) > 1:
            preview.problems.append(
                Problem(
                    members[0].line,
                    "gezin",
                    _(
                        "Deze broers/zussen hebben al verschillende gezinscodes; koppel ze op het scherm."
                    ),
                )
            )
        cluster_family[cluster] = min(existing) if existing else None
        for m in members:
            family_of_pupil[m.pupil_key] = cluster
    preview.families_new = sum(1 for v in cluster_family.values() if v is None)
    preview.families_existing = len(cluster_family) - preview.families_new
    existing_groups = {g.name: g for g in Group.objects.filter(unit=unit, school_year=school_year)}
    names = sorted({r.group for r in rows})
    preview.groups_new = [n for n in names if n not in existing_groups]
    preview.groups_existing = [n for n in names if n in existing_groups]
    preview.relationships = len({(r.group, family_of_pupil[r.pupil_key]) for r in rows})
    # Active relationships the file does not hold: the import ends them only on request.
    kept = set()
    for row in rows:
        family_id = cluster_family[family_of_pupil[row.pupil_key]]
        if family_id is not None:
            kept.add((row.group, family_id))
    missing: dict[str, int] = {}
    for pair in Relationship.objects.filter(
        unit=unit, school_year=school_year, is_active=True
    ).values_list("group__name", "family_id"):
        if pair not in kept:
            missing[pair[0]] = missing.get(pair[0], 0) + 1
    preview.deactivated = sum(missing.values())
    preview.missing_groups = sorted(missing.items())
    plan = {
        "hashes": hashes,
        "known": known,
        "clusters": clusters,
        "cluster_family": cluster_family,
        "family_of_pupil": family_of_pupil,
        "existing_groups": existing_groups,
    }
    preview.problems.sort(key=lambda p: p.line)
    return preview, plan


def relationships_preview(*, unit, school_year, upload) -> Preview:
    rows, problems = read_upload(upload)
    return relationships_preview_rows(
        unit=unit, school_year=school_year, rows=rows, problems=problems
    )


def relationships_preview_rows(
    *, unit, school_year, rows, problems, end_missing: bool = False
) -> Preview:
    """The dry run: what an import of `rows` would do, changing nothing."""
    preview, _plan_ = _plan(unit=unit, school_year=school_year, rows=rows, problems=problems)
    preview.end_missing = end_missing
    return preview


@transaction.atomic
def relationships_import(
    *,
    unit,
    school_year,
    upload=None,
    rows=None,
    problems=None,
    progress=None,
    end_missing: bool = False,
) -> Preview:
    """Import a group list; nothing changes when any line is wrong. `progress(fraction)`,
    if given, hears how far the writing is (0 to 1).

    Relationships of the school year that the file does not name stay as they are unless
    `end_missing` is given (an explicit choice: a list of one group must not end the rest
    of the school); the preview says how many and in which groups.

    Flat per row: a fixed number of reads (the school's keys, groups, relationships and
    the board's codes) and writes in batches of `BATCH`, so the number of queries grows
    with the number of batches only. One transaction, no savepoints; the school's row is
    locked first, so two imports into one school run one after the other."""
    progress = progress or (lambda fraction: None)
    if upload is not None:
        rows, problems = read_upload(upload)
    type(unit).objects.select_for_update().filter(pk=unit.pk).exists()
    preview, plan = _plan(
        unit=unit, school_year=school_year, rows=rows or [], problems=problems or []
    )
    preview.end_missing = end_missing
    if not preview.ok:
        return preview
    unit_id, board_id, year_id = unit.pk, unit.board_id, school_year.pk
    groups = {name: g.pk for name, g in plan["existing_groups"].items()}
    grades = {}
    for row in rows:
        grades.setdefault(row.group, row.grade)
    new_groups = [
        Group(unit_id=unit_id, name=name, grade=grades[name], school_year_id=year_id)
        for name in preview.groups_new
    ]
    Group.objects.bulk_create(new_groups, batch_size=BATCH)
    if any(g.pk is None for g in new_groups):  # databases without RETURNING
        groups.update(
            Group.objects.filter(
                unit_id=unit_id, school_year_id=year_id, name__in=preview.groups_new
            ).values_list("name", "pk")
        )
    else:
        groups.update((g.name, g.pk) for g in new_groups)
    progress(0.1)
    # New families in bulk, with codes that are unique in the board.
    taken = set(Family.objects.filter(board_id=board_id).values_list("code", flat=True))
    new_families = []
    for cluster, family_id in plan["cluster_family"].items():
        if family_id is None:
            key_hash = plan["hashes"][plan["clusters"][cluster][0].pupil_key]
            length, code = 7, _code_for(key_hash, 7)
            while code in taken:
                length += 1
                code = _code_for(key_hash, length)
            taken.add(code)
            new_families.append((cluster, Family(board_id=board_id, unit_id=unit_id, code=code)))
    Family.objects.bulk_create([f for _c, f in new_families], batch_size=BATCH)
    if any(f.pk is None for _c, f in new_families):  # databases without RETURNING
        codes = {f.code: f for _c, f in new_families}
        for pk, code in Family.objects.filter(board_id=board_id, code__in=codes).values_list(
            "pk", "code"
        ):
            codes[code].pk = pk
    for cluster, family in new_families:
        plan["cluster_family"][cluster] = family.pk
    progress(0.4)
    known = plan["known"]  # read in this transaction, with the school locked
    keys = []
    for pupil_key, key_hash in plan["hashes"].items():
        if key_hash not in known:
            family_id = plan["cluster_family"][plan["family_of_pupil"][pupil_key]]
            keys.append(FamilyKey(family_id=family_id, unit_id=unit_id, key_hash=key_hash))
            known[key_hash] = family_id
    FamilyKey.objects.bulk_create(keys, batch_size=BATCH)
    progress(0.6)
    wanted = {}
    for row in rows:
        family_id = plan["cluster_family"][plan["family_of_pupil"][row.pupil_key]]
        wanted.setdefault((groups[row.group], family_id), row.label)
    existing = {
        (r.group_id, r.family_id): r
        for r in Relationship.objects.filter(unit_id=unit_id, school_year_id=year_id).only(
            "pk", "group_id", "family_id", "is_active", "label"
        )
    }
    create, update = [], []
    for (group_id, family_id), label in wanted.items():
        rel = existing.get((group_id, family_id))
        if rel is None:
            create.append(
                Relationship(
                    unit_id=unit_id,
                    school_year_id=year_id,
                    group_id=group_id,
                    family_id=family_id,
                    label=label,
                )
            )
        elif not rel.is_active or (label and label != rel.label):  # only what changes
            rel.is_active = True
            rel.label = label or rel.label
            update.append(rel)
    for start in range(0, len(create), BATCH):
        Relationship.objects.bulk_create(create[start : start + BATCH])
        progress(0.6 + 0.3 * min(1, (start + BATCH) / len(create)))
    Relationship.objects.bulk_update(update, ["is_active", "label"], batch_size=BATCH)
    gone = (
        [r.pk for k, r in existing.items() if k not in wanted and r.is_active]
        if end_missing
        else []
    )
    preview.ended = len(gone)
    for start in range(0, len(gone), BATCH):
        Relationship.objects.filter(pk__in=gone[start : start + BATCH]).update(is_active=False)
    # Ended and revived relationships leave or rejoin the counts: recount the school's year
    # (bounded by the school; a re-import recounts, it never adds).
    tallies_refresh(unit_id=unit_id, school_year_id=year_id)
    return preview


# Big files: a background task (core.tasks.enqueue) with a progress record the page polls.


def _progress_key(job_id: int) -> str:
    return f"glans_measurement:import:{job_id}"


def progress(job) -> dict:
    """How far `job` is: status, percentage and (when finished) the result. The running
    percentage lives in the cache, as the import's own transaction is not visible yet."""
    if job.status in (ImportStatus.DONE, ImportStatus.FAILED):
        percent = 100
    else:
        percent = int(cache.get(_progress_key(job.pk), 0))
    return {
        "status": job.status,
        "status_display": str(job.get_status_display()),
        "percent": percent,
        "total": job.total,
        "result": job.result,
    }


def _summary(preview: Preview) -> dict:
    return {
        "rows": len(preview.rows),
        "groups_new": len(preview.groups_new),
        "groups_existing": len(preview.groups_existing),
        "families_new": preview.families_new,
        "families_existing": preview.families_existing,
        "relationships": preview.relationships,
        "ended": preview.ended,
        "kept_missing": preview.deactivated - preview.ended,
        "problems": [
            {"line": p.line, "field": p.field, "message": str(p.message)}
            for p in preview.problems[:200]
        ],
    }


def import_job_create(*, user, unit, school_year, rows: list[Row], end_missing: bool = False):
    """Keep the parsed rows of a big file for their import in the background (the caller
    enqueues `tasks.run_import_job` with the job's id)."""
    job = ImportJob.objects.create(
        unit=unit,
        school_year=school_year,
        requested_by=user,
        total=len(rows),
        rows=[asdict(r) for r in rows],
        end_missing=end_missing,
    )
    return job


def import_job_run(*, job_id: int) -> None:
    """Run a queued import (idempotent: a finished or running job is left alone). All or
    nothing, together with the job's own status: the claim, the import and the result commit
    in one transaction, so a worker killed halfway leaves the job queued (and the data as it
    was) for the redelivered task. Any line error or failure marks the job failed."""
    with transaction.atomic():
        job = (
            ImportJob.objects.select_for_update(skip_locked=True)
            .select_related("unit", "school_year")
            .filter(pk=job_id, status=ImportStatus.QUEUED)
            .first()
        )
        if job is None:  # done, or another worker is running it
            return
        key = _progress_key(job.pk)

        def report(fraction):
            cache.set(key, int(fraction * 100), 3600)

        rows = [Row(**r) for r in job.rows]
        try:
            with transaction.atomic():
                preview = relationships_import(
                    unit=job.unit,
                    school_year=job.school_year,
                    rows=rows,
                    problems=[],
                    progress=report,
                    end_missing=job.end_missing,
                )
        except Exception:
            logging.getLogger(__name__).exception("Import %s failed", job.pk)
            job.status = ImportStatus.FAILED
            job.result = {
                "problems": [
                    {
                        "line": 0,
                        "field": "",
                        "message": _("Er ging iets mis; er is niets geïmporteerd."),
                    }
                ]
            }
        else:
            job.status = ImportStatus.DONE if preview.ok else ImportStatus.FAILED
            job.result = _summary(preview)
        job.rows = []  # the pupil keys are not kept once the import has run
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "result", "rows", "finished_at"])
    cache.delete(key)
