
import django_filters
from django.db.models import Q
from django.utils import timezone

from core.access import get_scope
from core.filters import MonthFilter, OrgFilterSetMixin
from orgs.filters import WithinOrgFilter
from transfers.models import CertificateState, Letter, LetterKind, LetterState, MobileCertificate


class LetterFilterSet(django_filters.FilterSet):
    """Shared by the list page and the API. ``direction`` is relative to the user's scope."""

    q = django_filters.CharFilter(label="姓名或编号", method="filter_q", max_length=50)
    direction = django_filters.ChoiceFilter(
        label="方向", method="filter_direction", empty_label="全部",
        choices=[("out", "转出"), ("in", "转入")])
    state = django_filters.ChoiceFilter(label="状态", choices=LetterState.choices, empty_label="全部")
    kind = django_filters.ChoiceFilter(label="类别", choices=LetterKind.choices, empty_label="全部")
    year = django_filters.NumberFilter(label="年度", method="filter_year", min_value=2000, max_value=2100)
    # The dashboards' monthly figures open their letters with these (insights.dashboards).
    from_org = WithinOrgFilter(path_lookup="from_org__path", label="转出组织（含下级，填代码）")
    to_org = WithinOrgFilter(path_lookup="to_org__path", label="接收组织（含下级，填代码）")
    issued_month = MonthFilter(date_field="issued_on", label="开具月份（如 2026-03）")
    received_month = MonthFilter(date_field="received_on", label="接收月份（如 2026-03）")

    class Meta:
        model = Letter
        fields = ["q", "direction", "state", "kind", "year", "from_org", "to_org", "issued_month", "received_month"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(member__name__contains=value) | Q(number__contains=value))

    def filter_direction(self, queryset, name, value):
        scope = get_scope(getattr(self.request, "user", None))
        lookup = "from_org__path" if value == "out" else "to_org__path"
        return queryset.filter(scope.org_q(lookup, "member.view"))

    def filter_year(self, queryset, name, value):
        return queryset.filter(issued_on__year=int(value))


class CertificateFilterSet(OrgFilterSetMixin, django_filters.FilterSet):
    """Shared by the certificate list page and the API."""

    q = django_filters.CharFilter(label="姓名或编号", method="filter_q", max_length=50)
    org = WithinOrgFilter(path_lookup="member__org__path")
    state = django_filters.ChoiceFilter(label="状态", choices=CertificateState.choices, empty_label="全部",
                                        method="filter_state")

    class Meta:
        model = MobileCertificate
        fields = ["q", "org", "state"]

    def filter_q(self, queryset, name, value):
        value = value.strip()[:50]
        if not value:
            return queryset
        return queryset.filter(Q(member__name__contains=value) | Q(number__contains=value))

    def filter_state(self, queryset, name, value):
        if value == CertificateState.CLOSED:
            return queryset.filter(closed_on__isnull=False)
        open_ = queryset.filter(closed_on__isnull=True)
        if value == CertificateState.EXPIRED:
            return open_.filter(valid_until__lt=timezone.localdate())
        return open_.filter(valid_until__gte=timezone.localdate())
