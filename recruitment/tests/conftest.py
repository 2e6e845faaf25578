import pytest

from recruitment.tests.helpers import grow_branches


@pytest.fixture
def world(world):
    """The shared world with branches big enough to vote on an admission (helpers.grow_branches)."""
    grow_branches(world)
    return world
