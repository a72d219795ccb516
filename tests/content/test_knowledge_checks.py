"""Knowledge checks test understanding, not position or length: across all shipped material the
correct answer is spread over the positions and is not given away by being the longest option.
The platform will also shuffle options per learner, but the source order must be balanced too.
"""

from collections import Counter

import pytest

from glans_learning.content.material import MATERIAL_DIR, load_material

MAX_SHARE_PER_POSITION = 0.40
MAX_SHARE_CORRECT_IS_LONGEST = 0.50


@pytest.fixture(scope="module")
def checks():
    material = load_material(MATERIAL_DIR)
    found = []
    for programme in material.programmes:
        for module in programme.modules:
            for lesson in module.lessons:
                for block in lesson.body:
                    if block["type"] == "knowledge_check":
                        found.append((lesson.source, block["value"]))
    assert found, "the material has no knowledge checks"
    return found


def _correct_position(check) -> int:
    return next(i for i, o in enumerate(check["options"], 1) if o["is_correct"])


def _correct_is_strictly_longest(check) -> bool:
    lengths = [len(o["text"]) for o in check["options"]]
    correct = lengths[_correct_position(check) - 1]
    return all(correct > n for i, n in enumerate(lengths, 1) if i != _correct_position(check))


def test_correct_answers_are_spread_over_positions(checks):
    positions = Counter(_correct_position(check) for _source, check in checks)
    total = len(checks)
    print(f"\n{total} knowledge checks; correct answer by position:")
    for position in sorted(positions):
        print(f"  option {position}: {positions[position]:2d} ({positions[position] / total:.0%})")
    crowded = {p: n for p, n in positions.items() if n / total > MAX_SHARE_PER_POSITION}
    assert not crowded, f"too many correct answers at position(s) {crowded} of {total}"


def test_correct_answer_is_not_given_away_by_length(checks):
    longest = [source for source, check in checks if _correct_is_strictly_longest(check)]
    total = len(checks)
    print(
        f"\ncorrect option is the strictly longest in {len(longest)} of {total} checks "
        f"({len(longest) / total:.0%})"
    )
    for source, check in checks:
        lengths = [len(o["text"]) for o in check["options"]]
        mark = lengths[_correct_position(check) - 1]
        print(f"  {source}: lengths {lengths}, correct {mark}")
    assert len(longest) <= MAX_SHARE_CORRECT_IS_LONGEST * total, longest


def test_every_check_has_three_or_four_options_with_feedback(checks):
    for source, check in checks:
        assert 3 <= len(check["options"]) <= 4, source
        assert all(o["feedback"].strip() for o in check["options"]), source
