"""Paging for every list page (issue 10.2): each list shows its total and pages; none stops
silently at a fixed number of rows. ``ObjectListView`` pages through this too; pages that are
not generic lists call ``paginate`` and include ``core/_pager.html`` and ``core/_total.html``.

A long list (more rows than ``settings.LIST_KEYSET_FROM``) pages by cursor (core.keyset, issue
12.2): 下一页, 上一页 and 末页 carry a signed cursor and seek by the index, so page 20,000 of the
city's members costs what page 2 does; the cursor carries the total, so a list whose total had to
be counted (a name filter) is counted once, on its first page. A page number typed into the
address still works, by offset. Shorter lists, and lists whose order a cursor cannot page, page by
offset as before."""

from django.conf import settings
from django.contrib import messages
from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.db.models import QuerySet
from django.db.models.query import ModelIterable

from core import keyset


def paginate(request, items, *, per_page: int | None = None, param: str = "page", count: int | None = None) -> Page:
    """One page of ``items`` (a queryset or a list), with the links of the pager
    (``page.links``: first, prev, next, last, each a query string keeping every other parameter)
    and the parameter's name. ``count``, when the caller knows the total already (from a summary
    table), spares the COUNT over the rows."""
    size = per_page or settings.LIST_PAGE_SIZE
    paginator = Paginator(items, size)
    cursor_param = "cursor" if param == "page" else f"{param}_cursor"
    params = request.GET.copy()
    params.pop(param, None)
    params.pop(cursor_param, None)
    keys = None
    if isinstance(items, QuerySet) and items._iterable_class is ModelIterable:
        keys = keyset.order_of(items)
    cursor = None
    token = request.GET.get(cursor_param)
    if token and keys:
        try:
            cursor = keyset.decode(token, request.path, keys)
        except keyset.BadCursor:
            messages.warning(request, keyset.BadCursor.message)
    if count is None and cursor is not None:
        count = cursor.count
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: this is its value
    if keys and (cursor is not None or paginator.count > settings.LIST_KEYSET_FROM):
        page = _seek(request, paginator, items, keys, cursor, param)
        page.links = _cursor_links(request, page, items, keys, params, param, cursor_param)
    else:
        page = paginator.get_page(request.GET.get(param))
        page.links = _number_links(page, params, param)
    page.query_string = params.urlencode()
    page.param = param
    return page


def _number(value, last: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return 1
    return min(max(number, 1), last)


def _seek(request, paginator: Paginator, items: QuerySet, keys, cursor, param: str) -> Page:
    last = paginator.num_pages
    number = _number(request.GET.get(param), last)
    size = paginator.per_page
    if cursor is not None and cursor.values is None:  # 末页: the rows at the end, read backwards
        number = last
        rows, _ = keyset.page_rows(items, keys, cursor, max(paginator.count - (last - 1) * size, 1))
    elif cursor is not None:
        rows, _ = keyset.page_rows(items, keys, cursor, size)
    elif number == 1:
        rows, _ = keyset.page_rows(items, keys, None, size)
    else:  # a page number typed into the address: by offset, once
        try:
            return paginator.page(number)
        except (EmptyPage, PageNotAnInteger):
            return paginator.page(1)
    return Page(rows, number, paginator)


def _query(params, **more) -> str:
    query = params.copy()
    for name, value in more.items():
        query[name] = value
    return "?" + query.urlencode()


def _number_links(page: Page, params, param: str) -> dict:
    links = {}
    if page.has_previous():
        links["first"] = _query(params, **{param: 1})
        links["prev"] = _query(params, **{param: page.previous_page_number()})
    if page.has_next():
        links["next"] = _query(params, **{param: page.next_page_number()})
        links["last"] = _query(params, **{param: page.paginator.num_pages})
    return links


def _cursor_links(request, page: Page, items: QuerySet, keys, params, param: str, cursor_param: str) -> dict:
    rows = list(page.object_list)
    count = page.paginator.count
    links = {}
    if not rows:
        return {"first": _query(params, **{param: 1})} if page.number > 1 else {}
    at = keyset.values_at(items, keys, [rows[0].pk, rows[-1].pk])

    def token(values, backwards: bool) -> str:
        return keyset.encode(request.path, keys, keyset.Cursor(values=values, backwards=backwards, count=count))

    if page.has_previous():
        links["first"] = _query(params, **{param: 1})
        links["prev"] = _query(params, **{param: page.number - 1, cursor_param: token(at[rows[0].pk], True)})
    if page.has_next():
        links["next"] = _query(params, **{param: page.number + 1, cursor_param: token(at[rows[-1].pk], False)})
        links["last"] = _query(params, **{param: page.paginator.num_pages, cursor_param: token(None, True)})
    return links
