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


# The right answer's rank by length (1 = longest) should be about as likely as any other:
# in the top two by length in roughly half the checks (chance), never mostly the longest or
# mostly the shortest.
TOP_TWO_SHARE_RANGE = (0.30, 0.62)
MAX_SHARE_PER_LENGTH_RANK = 0.40
MIN_SHARE_PER_LENGTH_RANK = 0.10  # ranks 1-3: "never the longest" would be a cue as well


def length_rank(check) -> int:
    """1 = the correct option is the longest (ties count in its favour), up to the option count."""
    lengths = [len(o["text"]) for o in check["options"]]
    correct = lengths[_correct_position(check) - 1]
    return 1 + sum(1 for n in lengths if n > correct)


def length_cue_report(checks) -> tuple[float, Counter]:
    ranks = Counter(length_rank(check) for _source, check in checks)
    top_two = (ranks[1] + ranks[2]) / len(checks)
    return top_two, ranks


def test_length_rank_of_the_correct_answer_is_near_chance(checks):
    top_two, ranks = length_cue_report(checks)
    total = len(checks)
    print(f"\ncorrect option in the top two by length: {top_two:.0%} of {total} checks")
    for rank in sorted(ranks):
        print(f"  length rank {rank}: {ranks[rank]:2d} ({ranks[rank] / total:.0%})")
    low, high = TOP_TWO_SHARE_RANGE
    assert low <= top_two <= high, f"top-two share {top_two:.0%} is outside {low:.0%}-{high:.0%}"
    crowded = {r: n for r, n in ranks.items() if n / total > MAX_SHARE_PER_LENGTH_RANK}
    assert not crowded, f"too many correct answers at length rank(s) {crowded}"
    rare = {r: ranks[r] for r in (1, 2, 3) if ranks[r] / total < MIN_SHARE_PER_LENGTH_RANK}
    assert not rare, f"too few correct answers at length rank(s) {rare}"


def test_the_length_measure_fails_on_a_cued_set():
    """The measure catches what it should: a set where the right answer is always longest."""
    cued = [
        (
            "x",
            {
                "options": [
                    {"text": "een lang en volledig juist antwoord", "is_correct": True},
                    {"text": "kort", "is_correct": False},
                    {"text": "korter", "is_correct": False},
                ]
            },
        )
    ] * 10
    top_two, ranks = length_cue_report(cued)
    assert top_two == 1.0 and ranks[1] == 10


# Stock distractors ("give it to the IB'er", "wait and see") must not recur: each family appears
# in at most a handful of checks, so a learner cannot rule options out by their shape.
STOCK_DISTRACTORS = {
    "hand it to the IB'er": r"IB'er|intern begeleider",
    "wait or postpone": r"\bwacht|afwacht|uitstel|\bstelt? .*\buit\b|verzet",
}
MAX_CHECKS_PER_STOCK_DISTRACTOR = 4


def stock_distractor_counts(checks) -> dict[str, int]:
    import re

    counts = {}
    for family, pattern in STOCK_DISTRACTORS.items():
        counts[family] = sum(
            1
            for _source, check in checks
            if any(
                not o["is_correct"] and re.search(pattern, o["text"], re.I)
                for o in check["options"]
            )
        )
    return counts


def test_distractors_vary(checks):
    counts = stock_distractor_counts(checks)
    print(f"\nchecks using a stock distractor: {counts}")
    assert all(n <= MAX_CHECKS_PER_STOCK_DISTRACTOR for n in counts.values()), counts


def test_the_distractor_measure_fails_on_a_repetitive_set():
    repetitive = [
        (
            "x",
            {
                "options": [
                    {"text": "Je gaat in gesprek.", "is_correct": True},
                    {"text": "Je geeft het aan de IB'er.", "is_correct": False},
                    {"text": "Je wacht af.", "is_correct": False},
                ]
            },
        )
    ] * 5
    counts = stock_distractor_counts(repetitive)
    assert counts == {"hand it to the IB'er": 5, "wait or postpone": 5}
