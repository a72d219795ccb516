"""Shared helpers for printable documents: a QR code as inline SVG, and HTML → PDF through
WeasyPrint, which is optional (the `pdf` extra). Callers check `pdf_available()` and show a
translated message instead of failing when it is missing."""

from __future__ import annotations

import importlib.util


class PdfUnavailable(RuntimeError):
    """WeasyPrint is not installed (install the plugin with the `pdf` extra)."""


def qr_svg(data: str) -> str:
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


def pdf_available() -> bool:
    return importlib.util.find_spec("weasyprint") is not None


def html_to_pdf(html: str) -> bytes:
    if not pdf_available():
        raise PdfUnavailable("weasyprint is not installed")
    from weasyprint import HTML

    return HTML(string=html, base_url=None).write_pdf()
