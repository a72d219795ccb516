"""Fixtures shared by the exercise tests."""

import pytest


@pytest.fixture
def learner(teacher, loaded_fixture):
    """The teacher of De Zonnebloem, enrolled in the fixture programme."""
    from glans_learning.courses import services
    from tests.courses.test_progress_support import current_year, proef

    current_year()
    services.enrol(user=teacher, programme=proef(), by=teacher)
    return teacher


@pytest.fixture
def lesson(loaded_fixture):
    return loaded_fixture["lesson"]
