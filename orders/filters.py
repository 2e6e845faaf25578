import django_filters
from django.utils import timezone

from core.filters import OrgFilterSetMixin
from core.forms import DateInput
from orders.models import OPEN_STATES, OrderState, ServiceOrder
from orgs.filters import WithinOrgFilter


class OrderFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    q = django_filters.CharFilter(label="订单号", field_name="number", lookup_expr="startswith", max_length=20)
    state = django_filters.ChoiceFilter(label="状态", choices=OrderState.choices, empty_label="全部")
    overdue = django_filters.ChoiceFilter(label="超时", choices=[("yes", "超时未办"), ("no", "未超时")],
                                         empty_label="全部", method="filter_overdue")
    org = WithinOrgFilter(label="社区", path_lookup="community__path")
    day_from = django_filters.DateFilter(label="点单日期从", field_name="day", lookup_expr="gte",
                                        widget=DateInput())
    day_to = django_filters.DateFilter(label="至", field_name="day", lookup_expr="lte",
                                      widget=DateInput())

    class Meta:
        model = ServiceOrder
        fields = ["q", "state", "overdue", "org", "day_from", "day_to"]

    def filter_overdue(self, queryset, name, value):
        late = {"state__in": OPEN_STATES, "due_at__lt": timezone.now()}
        if value == "yes":
            return queryset.filter(**late)
        return queryset.exclude(**late) if value == "no" else queryset
