"""The short ways of as_template_value give what `{{ value }}` renders, in both languages."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation
from django.utils.safestring import mark_safe

from glans_learning.core.rendering import as_template_value

VALUES = [
    0,
    7,
    -999,
    999,
    1000,
    123456,
    -5000,
    2.5,
    Decimal("12.50"),
    True,
    None,
    "",
    "Jan & <Piet>",
    "“aanhalingstekens” en 'quotes'",
    mark_safe("<b>al veilig</b>"),
    datetime.date(2026, 12, 7),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("thousands", [False, True])
def test_as_template_value_is_what_the_template_renders(language, thousands, settings):
    settings.USE_THOUSAND_SEPARATOR = thousands
    template = Template("{{ value }}")
    with translation.override(language):
        for value in VALUES:
            expected = template.render(Context({"value": value}))
            assert as_template_value(value) == expected, (value, language, thousands)
