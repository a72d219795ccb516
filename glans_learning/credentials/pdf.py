"""The certificate of participation as PDF (WeasyPrint), with a QR code to its public
verification page as inline SVG."""

import qrcode
import qrcode.image.svg
from django.template.loader import render_to_string
from django.utils import translation

from .badges import absolute
from .models import Certificate


def qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def certificate_pdf(certificate: Certificate) -> bytes:
    from weasyprint import HTML

    verification_url = absolute("glans_credentials:verify", certificate.code)
    with translation.override("nl"):
        html = render_to_string(
            "glans_credentials/certificate_pdf.html",
            {
                "certificate": certificate,
                "verification_url": verification_url,
                "qr_svg": qr_svg(verification_url),
            },
        )
    return HTML(string=html, base_url=None).write_pdf()
