"""Fixtures shared by the course tests."""

import pytest

from glans_learning.courses import services
from tests.courses.test_progress_support import current_year, proef


@pytest.fixture
def year(db):
    """A school year that spans today."""
    return current_year()


@pytest.fixture
def programme(loaded_fixture, year):
    """The small fixture programme, with a current school year to enrol in."""
    return proef()


@pytest.fixture
def learner(teacher, programme):
    """The teacher of De Zonnebloem, enrolled in the fixture programme."""
    services.enrol(user=teacher, programme=programme, by=teacher)
    return teacher
