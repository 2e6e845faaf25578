"""Paging for every list page (issue 10.2): each list shows its total and pages; none stops
silently at a fixed number of rows. ``ObjectListView`` pages through this too; pages that are
not generic lists call ``paginate`` and include ``core/_pager.html`` and ``core/_total.html``."""

from django.conf import settings
from django.core.paginator import Page, Paginator


def paginate(request, items, *, per_page: int | None = None, param: str = "page", count: int | None = None) -> Page:
    """One page of ``items`` (a queryset or a list), with the query string that the pager's links
    keep (``page.query_string``, every parameter but the page number) and the parameter's name.
    ``count``, when the caller knows the total already (from a summary table), spares the COUNT
    over the rows."""
    paginator = Paginator(items, per_page or settings.LIST_PAGE_SIZE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    page = paginator.get_page(request.GET.get(param))
    params = request.GET.copy()
    params.pop(param, None)
    page.query_string = params.urlencode()
    page.param = param
    return page
