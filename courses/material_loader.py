"""Loads the course material (parsed by ``content.material``) into the Wagtail page tree.

Idempotent: a second run changes nothing. A page an editor changed in the admin since the
last load is left alone unless ``force`` is set. Everything is validated before anything is
written, and the whole load runs in one transaction: never half a programme.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from wagtail.documents import get_document_model
from wagtail.models import Collection, Page, PageViewRestriction, Site

from glans_learning.content.material import Material, md_to_html
from glans_learning.core.pdf import html_to_pdf, pdf_available

from .models import LessonPage, MaterialRecord, ModulePage, ProgrammeIndexPage, ProgrammePage


@dataclass
class LoadReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.left_alone)} left alone (edited in the admin)"
        )


def ensure_programme_index(
    *, title: str = "Leeraanbod", slug: str = "leeraanbod"
) -> ProgrammeIndexPage:
    index = ProgrammeIndexPage.objects.first()
    if index is not None:
        return index
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    parent = site.root_page if site else Page.get_first_root_node()
    index = ProgrammeIndexPage(
        title=title,
        slug=slug,
        intro="<p>Alle leerprogramma's van de Glans-techniek op één plek.</p>",
    )
    parent.add_child(instance=index)
    index.save_revision().publish()
    return index


def _worksheet_collection() -> Collection:
    root = Collection.get_first_root_node()
    existing = root.get_children().filter(name="Werkbladen").first()
    return existing or root.add_child(name="Werkbladen")


WIDE_TABLE_COLUMNS = 6  # a worksheet with a table this wide is printed in landscape


def _widest_table(html: str) -> int:
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)
    return max((len(re.findall(r"<t[hd][ >]", row)) for row in rows), default=0)


def worksheet_file(*, slug: str, title: str, description: str, body_markdown: str) -> ContentFile:
    """A worksheet as a printable file: PDF when WeasyPrint (the ``pdf`` extra) is installed,
    otherwise the same page as HTML to print from the browser."""
    body = md_to_html(body_markdown)
    html = render_to_string(
        "glans_courses/worksheet_document.html",
        {
            "title": title,
            "description": description,
            "body": body,
            "landscape": _widest_table(body) >= WIDE_TABLE_COLUMNS,
        },
    )
    if pdf_available():
        return ContentFile(html_to_pdf(html), name=f"{slug}.pdf")
    return ContentFile(html.encode("utf-8"), name=f"{slug}.html")


def _load_worksheets(material: Material, report: LoadReport, force: bool) -> dict[str, int]:
    Document = get_document_model()
    collection = None
    ids: dict[str, int] = {}
    as_pdf = pdf_available()
    for slug, sheet in material.worksheets.items():
        record = (
            MaterialRecord.objects.filter(source=sheet.source).select_related("document").first()
        )
        if record and record.document_id:
            ids[slug] = record.document_id
            # An HTML worksheet from before WeasyPrint was installed becomes a PDF.
            wrong_format = as_pdf and not record.document.file.name.endswith(".pdf")
            if record.checksum == sheet.checksum and not force and not wrong_format:
                report.unchanged.append(sheet.source)
                continue
            document = record.document
            report.updated.append(sheet.source)
        else:
            collection = collection or _worksheet_collection()
            document = Document(title=sheet.title, collection=collection)
            report.created.append(sheet.source)
        printable = worksheet_file(
            slug=slug,
            title=sheet.title,
            description=sheet.description,
            body_markdown=sheet.body_markdown,
        )
        document.title = sheet.title
        if document.file:
            document.file.delete(save=False)
        document.file.save(printable.name, printable, save=False)
        document.save()
        MaterialRecord.objects.update_or_create(
            source=sheet.source, defaults={"document": document, "checksum": sheet.checksum}
        )
        ids[slug] = document.pk
    return ids


def _resolve_worksheets(body: list[dict], worksheet_ids: dict[str, int]) -> list[dict]:
    resolved = []
    for block in body:
        if block["type"] == "worksheet":
            value = block["value"]
            block = {
                **block,
                "value": {
                    "document": worksheet_ids[value["worksheet_slug"]],
                    "description": value["description"],
                },
            }
        resolved.append(block)
    return resolved


def _upsert(
    *,
    parent: Page,
    model,
    source: str,
    checksum: str,
    slug: str,
    fields: dict,
    report: LoadReport,
    force: bool,
):
    record = MaterialRecord.objects.filter(source=source).first()
    page = None
    if record is not None and record.page_id:
        page = model.objects.filter(pk=record.page_id).first()
    if page is None:
        existing = model.objects.child_of(parent).filter(slug=slug).first()
        if existing is not None and not force:
            # Made in the admin, not by the loader: adopt it without touching it.
            report.left_alone.append(source)
            return existing
        page = existing
    if page is not None:
        edited = record is None or page.latest_revision_id != record.loaded_revision_id
        if edited and not force:
            report.left_alone.append(source)
            return page
        if record is not None and record.checksum == checksum and not force:
            report.unchanged.append(source)
            return page
        for name, value in fields.items():
            setattr(page, name, value)
        report.updated.append(source)
    else:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        report.created.append(source)
    revision = page.save_revision()
    revision.publish()
    page.refresh_from_db()
    MaterialRecord.objects.update_or_create(
        source=source,
        defaults={
            "page": page,
            "checksum": checksum,
            "loaded_revision_id": page.latest_revision_id,
        },
    )
    return page


def _require_login(page: Page) -> None:
    if not PageViewRestriction.objects.filter(page=page).exists():
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


@transaction.atomic
def load(material: Material, *, force: bool = False) -> LoadReport:
    report = LoadReport()
    index = ensure_programme_index()
    worksheet_ids = _load_worksheets(material, report, force)
    for programme in material.programmes:
        programme_page = _upsert(
            parent=index,
            model=ProgrammePage,
            source=programme.source,
            checksum=programme.checksum,
            slug=programme.slug,
            report=report,
            force=force,
            fields={
                "title": programme.title,
                "audience": programme.audience,
                "intro": programme.intro,
                "description": programme.description_html,
                "learning_goals": "\n".join(programme.learning_goals),
                "study_load_hours": programme.study_load_hours,
                "self_enrolment": programme.self_enrolment,
                "required_session_count": programme.required_sessions,
                "requires_practical_assessment": programme.practical_assessment,
            },
        )
        _require_login(programme_page)
        for module in programme.modules:
            module_page = _upsert(
                parent=programme_page,
                model=ModulePage,
                source=module.source,
                checksum=module.checksum,
                slug=module.slug,
                report=report,
                force=force,
                fields={
                    "title": module.title,
                    "letter": module.letter,
                    "intro": module.intro_html,
                    "learning_goals": "\n".join(module.learning_goals),
                    "estimated_minutes": module.estimated_minutes,
                },
            )
            for lesson in module.lessons:
                _upsert(
                    parent=module_page,
                    model=LessonPage,
                    source=lesson.source,
                    checksum=lesson.checksum,
                    slug=lesson.slug,
                    report=report,
                    force=force,
                    fields={
                        "title": lesson.title,
                        "estimated_minutes": lesson.estimated_minutes,
                        "is_trainer_guide": lesson.is_trainer_guide,
                        "body": _resolve_worksheets(lesson.body, worksheet_ids),
                    },
                )
    return report
