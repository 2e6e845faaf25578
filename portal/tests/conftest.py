import pytest

from portal.tests.helpers import make_portal


@pytest.fixture
def portal(world):
    return make_portal(world)
