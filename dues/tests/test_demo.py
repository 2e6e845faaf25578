"""The demo city's dues: a year of payments, members in arrears (the demo branch among them), a
reduction, letters carrying 'paid up to'; the summaries equal their records."""


import pytest
from django.utils import timezone

from core import summaries
from dues import demo, rules, selectors
from dues.models import DuesPayment, DuesStanding, DuesYear
from orgs.models import Org
from transfers.models import Letter


@pytest.mark.django_db
def test_the_demo_city_has_a_year_of_dues_arrears_a_reduction_and_letters_paid_up_to(small_demo):
    today = timezone.localdate()
    assert DuesYear.objects.filter(year=today.year, confirmed_on__isnull=False).count() > 1000
    assert DuesPayment.objects.count() > 10_000
    assert DuesYear.objects.filter(adjusted_fen__isnull=False, adjustment_approval__contains="批复").count() == 1
    branch = Org.objects.get(code=demo.DEMO_BRANCH)
    behind = [row.behind for row in selectors.arrears(branch, today=today, minimum=3)]
    assert 3 in behind and 5 in behind
    city = Org.objects.get(depth=1)
    counts = selectors.behind_counts(city, today=today)
    assert counts["yellow"] > 0 and counts["red"] > 0
    assert not any(summaries.check(["dues.paid_count", "dues.month"]))
    paid = dict(DuesStanding.objects.values_list("member_id", "paid_up_to"))
    letters = list(Letter.objects.filter(member_id__in=paid))
    assert letters and all(rules.month_index(letter.dues_paid_until) <= paid[letter.member_id] for letter in letters
                           if paid[letter.member_id] is not None)
