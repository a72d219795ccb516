"""Printable documents, in one place for every app: HTML → PDF through WeasyPrint, and a QR
code as inline SVG. WeasyPrint is optional (the `pdf` extra: `pip install
glans-learning[pdf]` plus the system libraries pango, harfbuzz and fontconfig); callers ask
`pdf_available()` first and show a translated message instead of failing when it is
missing."""

from __future__ import annotations

import functools

import qrcode
import qrcode.image.svg


class PdfUnavailable(RuntimeError):
    """WeasyPrint (the `pdf` extra) is not installed or its system libraries are missing."""


def qr_svg(data: str) -> str:
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")


@functools.cache
def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401, PLC0415 - optional: the pdf extra
    except (ImportError, OSError):
        return False
    return True


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML document (styles inline, no external files) to PDF."""
    if not pdf_available():
        raise PdfUnavailable("WeasyPrint is not installed (pip install glans-learning[pdf])")
    from weasyprint import HTML  # noqa: PLC0415 - optional: the pdf extra

    return HTML(string=html, base_url=None).write_pdf()
