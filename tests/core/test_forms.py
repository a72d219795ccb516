"""core.forms (issue #30): a select rendered in Python must be Django's select markup, and a
listed ModelChoiceField must validate and render as Django's ModelChoiceField does."""

import pytest
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy

from glans_learning.core.forms import ListedModelChoiceField, PlainSelect
from glans_learning.organisations.models import SchoolYear

CHOICES = [
    ("", gettext_lazy("alle rollen")),
    ("a&b", 'Ann <b> & "Co"'),
    ("7", gettext_lazy("nog open")),
    ("Groep <1>", [("g1", "Eén"), ("g2", "Twee & drie")]),
]


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("value", [None, "", "a&b", "g2", ["7"], "onbekend"])
@pytest.mark.parametrize(
    "attrs", [None, {"id": "id_x", "required": True, "disabled": False, "data-x": 'a"b<'}]
)
def test_plain_select_is_djangos_select_markup(language, value, attrs):
    with translation.override(language):
        expected = forms.Select(choices=CHOICES).render("role", value, attrs=attrs)
        rendered = PlainSelect(choices=CHOICES).render("role", value, attrs=attrs)
    assert rendered == expected


class _Django(forms.Form):
    year = forms.ModelChoiceField(
        queryset=SchoolYear.objects.all(), empty_label=gettext_lazy("alle schooljaren")
    )
    required_year = forms.ModelChoiceField(queryset=SchoolYear.objects.all(), empty_label=None)
    by_label = forms.ModelChoiceField(
        queryset=SchoolYear.objects.all(), to_field_name="label", required=False
    )


class _Listed(forms.Form):
    year = ListedModelChoiceField(
        queryset=SchoolYear.objects.all(), empty_label=gettext_lazy("alle schooljaren")
    )
    required_year = ListedModelChoiceField(queryset=SchoolYear.objects.all(), empty_label=None)
    by_label = ListedModelChoiceField(
        queryset=SchoolYear.objects.all(), to_field_name="label", required=False
    )


@pytest.fixture
def year(db):
    return SchoolYear.objects.create(
        label="2029-2030", start_date="2029-08-01", end_date="2030-07-31"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nl", "en"])
def test_listed_model_choice_field_is_a_model_choice_field(language, year):
    other = SchoolYear.objects.create(
        label="2030 <&> 2031", start_date="2030-08-01", end_date="2031-07-31"
    )
    cases = [
        {},
        {"year": str(year.pk), "required_year": str(other.pk), "by_label": other.label},
        {"year": f"0{year.pk}", "required_year": f" {other.pk} "},
        {"year": "abc", "required_year": "99999", "by_label": "geen"},
        {"year": "1\x00", "required_year": str(year.pk)},
        {"year": "", "required_year": ""},
    ]
    with translation.override(language):
        for data in cases:
            django, listed = _Django(data), _Listed(data)
            assert listed.is_valid() == django.is_valid(), data
            assert listed.errors == django.errors, data
            if django.is_valid():
                assert listed.cleaned_data == django.cleaned_data, data
            assert str(listed) == str(django), data
        assert str(_Listed()) == str(_Django())


@pytest.mark.django_db
def test_listed_model_choice_field_reads_its_list_once(django_assert_num_queries, year):
    form = _Listed({"year": str(year.pk), "required_year": str(year.pk)})
    # One read per field (Django: the value, the options and the required attribute).
    with django_assert_num_queries(3):
        assert form.is_valid()
        str(form)
