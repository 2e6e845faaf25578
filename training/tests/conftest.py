from datetime import date

import pytest

from orgs.models import LeadershipMember, LeadershipTerm, Post


@pytest.fixture
def secretaries(world):
    """Each branch's current team with its secretary linked to a member: branch A1 → 李建国,
    A2 → 王芳, B1 → 赵志强 (three secretaries, two in district A)."""
    for org, key in ((world.branch_a1, "a1_secretary"), (world.branch_a2, "a2_member"), (world.branch_b1, "b1_member")):
        term = LeadershipTerm.objects.create(org=org, started=date(2024, 1, 1), ends=date(2029, 1, 1))
        member = world.members[key]
        LeadershipMember.objects.create(term=term, post=Post.SECRETARY, name=member.name, member=member)
    return world
