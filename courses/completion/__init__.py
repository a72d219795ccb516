"""Completion: the one home of the rules (rules.py: pure, from prefetched data, for the
selectors) and of the completion writes (writes.py: for the services).

A completion is sticky: once a lesson, module or programme is completed it stays completed,
whatever content is added later; the learner is told that new material is available instead.
Every state carries `open`: the requirements that are still missing, in words.

Everything is re-exported here, so `completion.<name>` keeps working.
"""

from .rules import *  # noqa: F403
from .rules import __all__ as _rules
from .writes import check_programme, evaluate_and_complete

__all__ = [*_rules, "check_programme", "evaluate_and_complete"]
