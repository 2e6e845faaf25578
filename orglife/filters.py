import django_filters
from django.db.models import Q

from core.filters import OrgFilterSetMixin
from core.forms import DateInput
from orglife.models import Meeting, MeetingKind, MeetingState
from orgs.filters import WithinOrgFilter


class MeetingFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """Shared by the list page and the API; ``org`` includes the org's subtree."""

    q = django_filters.CharFilter(label="主题或地点", method="filter_q", max_length=50)
    kind = django_filters.ChoiceFilter(label="类别", choices=MeetingKind.choices, empty_label="全部")
    state = django_filters.ChoiceFilter(label="状态", choices=MeetingState.choices, empty_label="全部")
    org = WithinOrgFilter(path_lookup="org__path")
    since = django_filters.DateFilter(label="起始日期", field_name="held_on", lookup_expr="gte",
                                      widget=DateInput())
    until = django_filters.DateFilter(label="截止日期", field_name="held_on", lookup_expr="lte",
                                      widget=DateInput())

    class Meta:
        model = Meeting
        fields = ["q", "kind", "state", "org", "since", "until"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(topic__contains=value) | Q(place__contains=value))


class ReviewFilterSet(MeetingFilterSet):
    """The review queue's filters: every record there is submitted, so no state."""

    class Meta:
        model = Meeting
        fields = ["q", "kind", "org", "since", "until"]

    state = None
