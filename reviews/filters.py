import django_filters
from django.utils import timezone

from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from reviews.models import FollowUp, Grade, ReportRound, ReportSubject, RoundState


class RoundFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="名称", field_name="title", lookup_expr="contains", max_length=50)
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    state = django_filters.ChoiceFilter(label="状态", choices=RoundState.choices, empty_label="全部")
    org = WithinOrgFilter(label="组织单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = ReportRound
        fields = ["q", "year", "state", "org"]


class SubjectFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """The results (评议结果): subjects by year, grade, convening org, reviewed org."""

    year = django_filters.NumberFilter(label="年度", field_name="round__year", min_value=2000, max_value=2100)
    grade = django_filters.ChoiceFilter(label="等次", choices=Grade.choices, empty_label="全部")
    round = django_filters.NumberFilter(label="述职评议编号", field_name="round_id", min_value=1, max_value=2**62)
    org = WithinOrgFilter(label="述职单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = ReportSubject
        fields = ["year", "grade", "round", "org"]


class FollowUpFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    done = django_filters.ChoiceFilter(label="完成", choices=[("yes", "已完成"), ("no", "未完成")], empty_label="全部",
                                       method="filter_done")
    overdue = django_filters.ChoiceFilter(label="逾期", choices=[("yes", "逾期未完成"), ("no", "未逾期")],
                                          empty_label="全部",
                                          method="filter_overdue")
    org = WithinOrgFilter(label="落实单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = FollowUp
        fields = ["done", "overdue", "org"]

    def filter_done(self, queryset, name, value):
        if value in ("yes", "no"):
            return queryset.filter(done_on__isnull=value == "no")
        return queryset

    def filter_overdue(self, queryset, name, value):
        late = {"done_on__isnull": True, "due__lt": timezone.localdate()}
        if value == "yes":
            return queryset.filter(**late)
        return queryset.exclude(**late) if value == "no" else queryset
