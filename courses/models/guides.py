"""Printable PDFs of a trainer guide (its slides, its trainer kit), kept per page revision so
that a download does not render the PDF again until the guide is published anew."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidePdfKind(models.TextChoices):
    SLIDES = "slides", _("Dia's")
    KIT = "kit", _("Trainerskit")


class TrainerGuidePdf(models.Model):
    page = models.ForeignKey(
        "glans_courses.LessonPage", on_delete=models.CASCADE, related_name="glans_guide_pdfs"
    )
    kind = models.CharField(max_length=10, choices=GuidePdfKind.choices)
    # The revision the PDF was made from; another live revision means a new PDF.
    revision_id = models.BigIntegerField(null=True, blank=True)
    # In the database, not in media storage: trainer material is not public.
    pdf = models.BinaryField(editable=False)
    rendered_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PDF van een trainershandleiding")
        verbose_name_plural = _("PDF's van trainershandleidingen")
        constraints = [
            models.UniqueConstraint(fields=["page", "kind"], name="glans_guide_pdf_once_per_kind")
        ]

    def __str__(self):
        return f"{self.page_id} {self.kind}"
