"""Printable documents of 'School met Glans' through the shared core.pdf helpers: the
school certificate (verification code and QR) and the frozen dossier."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from glans_learning.core.links import issuer_name
from glans_learning.core.pdf import html_to_pdf, qr_svg
from glans_learning.credentials.xapi import base_url

from .models import Certificate


def verification_url(certificate) -> str:
    return base_url().rstrip("/") + reverse("glans_certification:verify", args=[certificate.code])


def certificate_pdf(certificate) -> bytes:
    url = verification_url(certificate)
    with translation.override("nl"):
        html = render_to_string(
            "glans_certification/certificate_pdf.html",
            {
                "certificate": certificate,
                "verification_url": url,
                "qr_svg": qr_svg(url),
                "issuer": issuer_name(),
            },
        )
    return html_to_pdf(html)


def certificate_pdf_make(*, certificate_id: int) -> Certificate | None:
    """Make the certificate's PDF once: written only while empty, so running it again (a
    retry, a second click) never makes a second file. Raises core.pdf.PdfUnavailable when
    WeasyPrint is not installed."""
    certificate = Certificate.objects.select_related("unit").filter(pk=certificate_id).first()
    if certificate is None:
        return None
    if not certificate.pdf:
        Certificate.objects.filter(pk=certificate.pk, pdf__isnull=True).update(
            pdf=certificate_pdf(certificate)
        )
        certificate.refresh_from_db()
    return certificate


def dossier_pdf(application) -> bytes:
    """The dossier exactly as frozen at submission (the JSON snapshot, nothing live)."""
    with translation.override("nl"):
        html = render_to_string(
            "glans_certification/dossier_pdf.html",
            {"application": application, "dossier": application.dossier},
        )
    return html_to_pdf(html)
