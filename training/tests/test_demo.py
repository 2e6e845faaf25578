"""The demo's group study and training: this year's branch studies with members present, each
district's rotation classes (the finished one completed by most, not all; an open one), the new
members' class; rotation coverage shows gaps, the summary equals the records, and the rows obey
the rules the services enforce (hours, dates, attendance within the class's roll)."""

from datetime import date

import pytest
from django.db.models import F
from django.utils import timezone

from core import summaries
from orgs.models import Org
from training import rules, selectors
from training.models import (
    Enrolment,
    GroupStudy,
    GroupStudyAttendance,
    Target,
    TrainingAttendance,
    TrainingClass,
)

pytestmark = pytest.mark.django_db


def test_the_demo_has_studies_classes_and_rotation_gaps(small_demo, settings):
    settings.INVENTED_DATA_ALLOWED = True
    today = timezone.localdate()
    assert GroupStudy.objects.filter(held_on__year=today.year).count() > 10
    assert GroupStudy.objects.filter(held_on__gt=today).count() == 0
    assert GroupStudyAttendance.objects.count() > 100
    assert not GroupStudyAttendance.objects.exclude(study__org=F("org")).exists()
    for study in GroupStudy.objects.all():
        assert rules.MIN_HOURS <= study.hours <= rules.MAX_HOURS
    closed = TrainingClass.objects.filter(closed_on__isnull=False, target=Target.SECRETARIES)
    assert closed.exists() and TrainingClass.objects.filter(closed_on__isnull=True).exists()
    done = Enrolment.objects.filter(klass__in=closed, completed=True).count()
    assert 0 < done < Enrolment.objects.filter(klass__in=closed).count()  # most, not all
    assert not TrainingAttendance.objects.exclude(enrolment__member_id=F("member_id")).exists()
    for e in Enrolment.objects.filter(completed=True).select_related("klass"):
        assert e.certificate_no and e.klass.closed_on
    total, _, names, untrained = selectors.rotation(Org.objects.get(depth=1), [], Target.SECRETARIES, today.year,
                                                    today.year)
    assert 0 < total.trained < total.people and untrained == len(names) or untrained > len(names)
    assert not any(summaries.check(["training.org_month"]))
    assert selectors.counts(Org.objects.get(depth=1), date(today.year, 1, 1), date(today.year, 12, 31))[
        "enrolments"] == Enrolment.objects.count()
