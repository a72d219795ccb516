"""The rubric 'School met Glans' and the handbook templates: one entry per certification
criterion, read from the Criterion rows (not restated), and a new handbook starts from them."""

from django.urls import reverse
from django.utils.html import escape, strip_tags

from glans_learning.certification import services
from glans_learning.certification.criteria import CRITERIA, RUBRIC, fill_rubric
from glans_learning.certification.models import Criterion, CriterionSet
from glans_learning.certification.selectors import MIN_SECTION_CHARS


def test_every_criterion_has_a_rubric_entry_and_vice_versa():
    codes = [row[0] for row in CRITERIA]
    assert sorted(RUBRIC) == sorted(codes)
    for code, (start, growing, shining, template) in RUBRIC.items():
        assert start and growing and shining and template, code
        # an untouched template never counts as a written chapter
        assert len(strip_tags(template)) < MIN_SECTION_CHARS, code


def test_the_seeded_criteria_carry_their_rubric(db):
    for criterion in CriterionSet.current().criteria.all():
        assert criterion.rubric_start and criterion.rubric_shining, criterion.code
        assert criterion.handbook_template, criterion.code


def test_fill_rubric_keeps_an_academy_edit(db):
    criterion = CriterionSet.current().criteria.get(code="G1")
    criterion.rubric_shining = "Door de academie aangepast."
    criterion.save()
    fill_rubric(Criterion)
    criterion.refresh_from_db()
    assert criterion.rubric_shining == "Door de academie aangepast."


def test_the_rubric_page_renders_the_current_criteria_rows(client, teacher):
    current = CriterionSet.current()
    extra = Criterion.objects.create(
        criterion_set=current,
        code="X9",
        category="organisation",
        evidence_type="handbook",
        title="Een criterium dat de academie in de admin toevoegde.",
        rubric_start="Nog niets.",
        rubric_growing="Deels.",
        rubric_shining="Helemaal.",
        sort_order=99,
    )
    client.force_login(teacher)
    response = client.get(reverse("glans_certification:rubric"))
    assert response.status_code == 200
    html = response.content.decode()
    for criterion in current.criteria.all():
        assert f'id="criterium-{criterion.code}"' in html
        assert escape(criterion.title) in html
    assert extra.rubric_growing in html
    assert html.count('id="criterium-') == current.criteria.count()


def test_the_rubric_page_needs_a_login(client):
    response = client.get(reverse("glans_certification:rubric"))
    assert response.status_code == 302


def test_a_new_handbook_starts_from_the_templates(zonnebloem, year, director):
    book = services.handbook_start(unit=zonnebloem, school_year=year, user=director)
    sections = {s.criterion.code: s.body for s in book.sections.select_related("criterion")}
    assert sections["G1"] == RUBRIC["G1"][3]
    assert all(sections.values())
