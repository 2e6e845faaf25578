import django_filters

from core.filters import OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from soe.models import Progress, SoeShare, SoeTask


class TaskFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="任务", field_name="title", lookup_expr="contains", max_length=50)
    year = django_filters.NumberFilter(label="年度", field_name="year", min_value=2000, max_value=2100)
    org = WithinOrgFilter(label="分工单位（含下级，填代码）", path_lookup="org__path")

    class Meta:
        model = SoeTask
        fields = ["q", "year", "org"]


class ShareFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """The ledger's rows: by year, progress, the committee (its subtree) and the task."""

    year = django_filters.NumberFilter(label="年度", field_name="task__year", min_value=2000, max_value=2100)
    progress = django_filters.ChoiceFilter(label="进展", choices=Progress.choices, empty_label="全部")
    org = WithinOrgFilter(label="责任党组织（含下级，填代码）", path_lookup="org__path")
    task = django_filters.NumberFilter(label="任务编号", field_name="task_id", min_value=1, max_value=2**62)

    class Meta:
        model = SoeShare
        fields = ["year", "progress", "org", "task"]
