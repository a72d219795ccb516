"""The certificate of participation as PDF (WeasyPrint), with a QR code to its public
verification page as inline SVG."""

from django.template.loader import render_to_string
from django.utils import translation

from glans_learning.core.links import issuer_name
from glans_learning.core.pdf import html_to_pdf, qr_svg

from .badges import absolute
from .models import Certificate

__all__ = ["certificate_pdf", "qr_svg"]


def certificate_pdf(certificate: Certificate) -> bytes:
    verification_url = absolute("glans_credentials:verify", certificate.code)
    with translation.override("nl"):
        html = render_to_string(
            "glans_credentials/certificate_pdf.html",
            {
                "certificate": certificate,
                "verification_url": verification_url,
                "qr_svg": qr_svg(verification_url),
                "issuer": issuer_name(),
            },
        )
    return html_to_pdf(html)
