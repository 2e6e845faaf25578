import django_filters
from django.db.models import Q
from django.utils import timezone

from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from recruitment.models import Case, CaseStatus, Category, Stage

IN_PROGRESS = "in_progress"


class CaseFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """Shared by the list page and the API. ``org`` takes the org's subtree."""

    q = django_filters.CharFilter(label="姓名", method="filter_q", max_length=50)
    org = WithinOrgFilter(path_lookup="org__path")
    status = django_filters.ChoiceFilter(label="状态", empty_label="全部", method="filter_status",
                                         choices=[(IN_PROGRESS, "进行中（含预备期）"), *CaseStatus.choices])
    stage = django_filters.ChoiceFilter(label="阶段", choices=[(str(v), label) for v, label in Stage.choices],
                                        empty_label="全部")
    category = django_filters.ChoiceFilter(label="人员类别", choices=Category.choices, empty_label="全部")
    warning = django_filters.ChoiceFilter(label="预警", method="filter_warning", empty_label="全部",
                                          choices=[("red", "已逾期"), ("yellow", "临近期限或逾期")])

    class Meta:
        model = Case
        fields = ["q", "org", "status", "stage", "category", "warning"]

    def filter_status(self, queryset, name, value):
        """One status, or those in progress (open and probationary: the dashboards' funnel)."""
        if value == IN_PROGRESS:
            return queryset.filter(status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY))
        return queryset.filter(status=value)

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        return queryset.filter(Q(name__contains=value)) if value else queryset

    def filter_warning(self, queryset, name, value):
        today = timezone.localdate()
        open_ = queryset.filter(status__in=(CaseStatus.OPEN, CaseStatus.PROBATIONARY))
        return open_.filter(due_on__lt=today) if value == "red" else open_.filter(warn_on__lte=today)
