# A world with something on every kind of page (the headless-Chromium fixtures are the root
# conftest.py's, from dangjian/browser_testing.py).
from datetime import date, timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def busy_world(world):
    """The personas' world with something on every kind of page: a meeting, a recruitment case
    some steps along, a transfer letter, a care visit, an archive record, portal articles."""
    from care.tests.test_care import visit
    from members import services as member_services
    from orglife.tests.helpers import record
    from portal.tests.helpers import make_portal, publish
    from recruitment.tests.helpers import open_case, walk
    from transfers.tests.helpers import issue

    record(world)
    walk(world, open_case(world), 6)
    issue(world, member="a2_member")
    visit(world, world.members["a1_member"])
    member_services.record_add(actor=world.users["a_admin"], member=world.members["a1_member"], kind="position",
                               data={"title": "委员", "unit": "社区", "started": date(2020, 1, 1)})
    portal = make_portal(world)
    publish(portal, title="基层党建动态")
    publish(portal, channel="notice", title="通知", starts_on=timezone.localdate() - timedelta(days=1),
            ends_on=timezone.localdate() + timedelta(days=5))
    return portal
