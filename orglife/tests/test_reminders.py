"""Reminders on the meeting list: the requirements due soon for the orgs a user records meetings
for — listed holder by holder for a small subtree, left to the compliance page for a big one."""

from datetime import date

from orglife import selectors


def test_a_secretary_is_reminded_of_what_is_due_soon(world):
    end_of_month = date(2026, 11, 30)  # nothing held: the monthly requirements are due in days
    found = selectors.reminders(world.users["secretary"], today=end_of_month)
    assert found and {org.pk for org, _item in found} <= {world.branch_a1.pk, world.group_a1.pk}
    assert all(item.status == "yellow" and item.end >= end_of_month for _org, item in found)


def test_a_subtree_too_big_to_list_is_left_to_the_compliance_page(world, monkeypatch):
    end_of_month = date(2026, 11, 30)
    assert selectors.reminders(world.users["a_admin"], today=end_of_month)
    monkeypatch.setattr(selectors, "REMINDER_HOLDERS_MAX", 2)  # the district holds more than two
    assert selectors.reminders(world.users["a_admin"], today=end_of_month) == []
    assert selectors.reminders(world.users["secretary"], today=end_of_month)  # a branch and its group
