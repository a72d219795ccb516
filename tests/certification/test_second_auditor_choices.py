"""The decision form offers as second auditor exactly people the service accepts."""

from glans_learning.certification.permissions import second_auditor_candidates
from glans_learning.organisations.permissions import may_audit_unit
from glans_learning.organisations.services import membership_grant
from tests.factories import person


def test_every_offered_second_auditor_may_audit_and_members_are_not_offered(
    auditor, second_auditor, zonnebloem
):
    # An academy auditor who is also a member of the school: the service refuses them.
    insider = person("auditor.insider", unit=None, roles=["academy_auditor"])
    membership_grant(user=insider, unit=zonnebloem, role_codes=["learner"])
    offered = list(second_auditor_candidates(auditor, zonnebloem))
    assert second_auditor in offered
    assert insider not in offered and auditor not in offered
    assert all(may_audit_unit(candidate, zonnebloem) for candidate in offered)
