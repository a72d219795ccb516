"""One small export helper for this app: CSV that Dutch Excel opens (';', BOM) or XLSX, with
cells that start with = + - @ neutralised. Switch to the shared helper when there is one."""

from django.http import HttpResponse
from django.utils.text import slugify

_RISKY = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_RISKY):
        return "'" + value
    return value


def export_response(*, headers, rows, fmt: str, name: str, title: str = "Export") -> HttpResponse:
    import tablib

    dataset = tablib.Dataset(headers=[str(h) for h in headers], title=str(title)[:31])
    for row in rows:
        dataset.append([_safe(v) for v in row])
    filename = slugify(name) or "export"
    if fmt == "xlsx":
        response = HttpResponse(
            dataset.export("xlsx"),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        fmt = "csv"
        body = "\ufeff" + dataset.export("csv", delimiter=";")
        response = HttpResponse(body.encode("utf-8"), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
