"""Fuzzing the staff-list upload (issue #8): generated malformed CSV and XLSX files never give
a server error and never import part of a list.

The number of generated files is a knob: GLANS_FUZZ_EXAMPLES (default 150 in `make test`;
`make fuzz` runs 1,000 or more)."""

import datetime
import io
import os
import tracemalloc

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from glans_learning.courses.models import Enrollment
from glans_learning.organisations.models import Membership

EXAMPLES = int(os.environ.get("GLANS_FUZZ_EXAMPLES", "150"))

HEADERS = ["e-mail", "email", "voornaam", "achternaam", "E-MAILADRES", "first_name", "", "x"]
TRICKY = [
    "=1+1",
    "+31",
    "-1",
    "@a",
    '"',
    '""',
    "\x00",
    "\r",
    "\n",
    ";",
    ",",
    "a@b.nl",
    "ANNA@EXAMPLE.INVALID",
    "anna@example.invalid",
    "x" * 151,
    "é" * 80 + "@example.invalid",
    "\u202e",
    "\ufeff",
]

cell_text = st.one_of(
    st.sampled_from(TRICKY),
    st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40),
    st.emails().map(str),
)


MEMORY_BOUND = 48 * 1024 * 1024  # bytes Python may allocate for one upload, beyond 20× its size


def _rows(cells=cell_text):
    header = st.lists(st.sampled_from(HEADERS) | cells, min_size=0, max_size=5)
    body = st.lists(st.lists(cells, max_size=6), max_size=25)
    return st.tuples(header, body).map(lambda hb: [hb[0], *hb[1]])


@st.composite
def csv_files(draw):
    kind = draw(st.sampled_from(["bytes", "text", "long-field", "encoding"]))
    if kind == "bytes":
        return draw(st.binary(max_size=3000))
    rows = draw(_rows())
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    quote = draw(st.booleans())
    lines = [delimiter.join((f'"{c}"' if quote else c) for c in row) for row in rows]
    text = newline.join(lines)
    if kind == "long-field":
        text += newline + '"' + "x" * draw(st.integers(131_000, 140_000)) + '"'
    if kind == "encoding":
        return text.encode(draw(st.sampled_from(["utf-16", "latin-1", "cp1252"])), "replace")
    return (draw(st.sampled_from(["", "\ufeff"])) + text).encode("utf-8", "replace")


xlsx_cell = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**12), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(min_value=datetime.date(1900, 3, 1), max_value=datetime.date(9999, 1, 1)),
    cell_text.map(lambda s: "".join(c for c in s if ord(c) >= 32 or c in "\t\n")[:200]),
)


@st.composite
def xlsx_files(draw):
    from openpyxl import Workbook

    workbook = Workbook()
    sheets = [workbook.active] + [workbook.create_sheet() for _ in range(draw(st.integers(0, 1)))]
    for sheet in sheets:
        for row in draw(_rows(xlsx_cell)):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = buffer.getvalue()
    damage = draw(st.sampled_from(["none", "none", "truncate", "flip", "append"]))
    # Positions as fractions: the file's length varies with its save time, and a strategy
    # must not depend on it (hypothesis replays examples).
    fraction = draw(st.floats(0, 1, exclude_max=True))
    if damage == "truncate":
        data = data[: int(fraction * (len(data) + 1))]
    elif damage == "flip":
        position = int(fraction * len(data))
        data = data[:position] + bytes([data[position] ^ 0xFF]) + data[position + 1 :]
    elif damage == "append":
        data += draw(st.binary(min_size=1, max_size=200))
    return data


uploads = st.one_of(
    st.tuples(st.sampled_from(["lijst.csv", "LIJST.CSV"]), csv_files()),
    st.tuples(st.sampled_from(["lijst.xlsx", "lijst.XLSX"]), xlsx_files()),
    st.tuples(st.sampled_from(["lijst.xlsx"]), csv_files()),
    st.tuples(st.sampled_from(["lijst.csv", "lijst.txt", "lijst"]), xlsx_files()),
)


def _counts():
    return (
        get_user_model().objects.count(),
        Membership.objects.count(),
        Enrollment.objects.count(),
    )


@pytest.mark.parametrize("who", ["director", "tdt_teacher"])
def test_malformed_staff_lists_never_fail_and_never_import_partly(
    request, who, zonnebloem, programme
):
    user = request.getfixturevalue(who)
    url = f"/leren/team/{zonnebloem.pk}/inschrijven/"
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get(url)
    token = client.cookies["csrftoken"].value

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
            HealthCheck.large_base_example,
        ],
    )
    @given(uploads)
    def upload_once(upload):
        name, data = upload
        before = _counts()
        enrolled_before = Enrollment.objects.filter(programme=programme).count()
        tracemalloc.start()
        response = client.post(
            url,
            {
                "csrfmiddlewaretoken": token,
                "programme": programme.pk,
                "staff_file": SimpleUploadedFile(name, data),
            },
        )
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        # Bounded memory per file: streamed and stopped at the row limit, never read whole
        # into Python objects (a file is at most a few hundred kB here).
        assert peak < MEMORY_BOUND + 20 * len(data), (name, len(data), peak)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert _counts() == before  # refused: nothing imported, not even in part
        else:
            assert Enrollment.objects.filter(programme=programme).count() >= enrolled_before

    upload_once()
