"""To-do items ("nog open", "Wat moet er nog gebeuren?") name an activity by its question; a long
question is never cut in the middle of a word."""

from glans_learning.courses.models import LessonPage
from glans_learning.courses.models.pages import ACTIVITY_LABEL_LENGTH, short_label


def test_short_label_cuts_between_words():
    words = "Welke afspraak maak je met een ouder die zegt dat hij weinig tijd heeft " * 8
    label = short_label(words)
    assert len(label) <= ACTIVITY_LABEL_LENGTH
    assert label.endswith("…")
    assert words.startswith(label[:-1])
    assert words[len(label) - 1] == " "  # the cut falls on a space, not inside a word
    assert short_label("Kort en  goed.\n") == "Kort en goed."


def test_real_questions_are_stored_whole(db):
    from glans_learning.content.material import MATERIAL_DIR, load_material
    from glans_learning.courses.material_loader import load

    material = load_material(MATERIAL_DIR)
    load(material)
    labels = [
        entry["label"] for lesson in LessonPage.objects.all() for entry in lesson.activity_summary
    ]
    longest = max(labels, key=len)
    assert len(longest) > 160  # the old cut-off fell inside these
    assert not any(label.endswith("…") for label in labels)
