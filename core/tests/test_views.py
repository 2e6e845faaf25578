"""Every page is one of the four generic views (core.views) or says in one line why not."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

from core.access import require_perm
from core.errors import NotFound
from core.views import ObjectDetailView, ObjectListView, ServiceActionView, ServiceFormView

GENERIC = (ObjectListView, ObjectDetailView, ServiceFormView, ServiceActionView)


def _patterns(patterns, namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}", pattern.callback


def _verdict(callback) -> str | None:
    """None for a generic view (or a view that says why it is none); else what is wrong."""
    view_class = getattr(callback, "view_class", None)
    if view_class is not None and issubclass(view_class, GENERIC):
        return None
    reason = getattr(callback, "not_generic", None) or getattr(view_class, "not_generic", None)
    if isinstance(reason, str) and reason.strip() and "\n" not in reason:
        return None
    return "neither a generic view (core.views) nor marked @not_generic(reason)"


def test_every_page_is_a_generic_view_or_says_why_not():
    found = dict(_patterns(get_resolver().url_patterns))
    pages = {name: view for name, view in found.items() if not name.startswith("api:")}  # the API: dangjian.api
    assert len(pages) > 90
    wrong = {name: _verdict(view) for name, view in pages.items() if _verdict(view)}
    assert wrong == {}


def test_the_walk_fails_on_a_plain_function_view():
    def plain(request):
        return None

    assert _verdict(plain) is not None
    assert _verdict(lambda request: None) is not None


def test_form_pages_and_actions_are_generic_not_marked():
    """The exceptions are downloads, images, public pages, the login and read-only overviews: no
    view that moves a workflow (a form page or a button) stands outside the generic views."""
    found = dict(_patterns(get_resolver().url_patterns))
    marked = {name for name, view in found.items()
              if not name.startswith("api:") and getattr(view, "view_class", None) is None}
    moving = {"members:lookup", "members:unmask", "members:correction_decide", "members:import_commit",
              "members:import_discard", "accounts:grant_remove", "accounts:user_set_active",
              "orglife:topic_vote", "orglife:submit", "portal:comment_approve", "portal:comment_reject",
              "transfers:accept", "recruitment:step", "core:calendar", "channel_grants:remove"}
    assert moving & marked == set()


@pytest.mark.parametrize("perm", ["orglife.view", "portal.edit", "accounts.manage", "audit.read"])
def test_the_gate_refuses_a_user_who_holds_the_permission_nowhere(world, perm):
    with pytest.raises(NotFound):
        require_perm(world.users["outsider"], perm)
    with pytest.raises(NotFound):
        require_perm(AnonymousUser(), perm)


def test_the_gate_lets_through_a_user_holding_the_permission_somewhere(world):
    require_perm(world.users["secretary"], "orglife.change")  # on the branch alone
    require_perm(world.users["auditor"], "audit.read")  # a system permission (三员)
    with pytest.raises(NotFound):
        require_perm(world.users["secretary"], "orglife.review")  # held by the org admins above


def test_a_service_not_found_is_the_pages_404(world, client):
    """A page that calls a service raising NotFound answers the platform's 404 page."""
    from core.middleware import NotFoundMiddleware

    def view(request):
        raise NotFound

    request = RequestFactory().get("/somewhere/")
    middleware = NotFoundMiddleware(view)
    response = middleware.process_exception(request, NotFound())
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()
    assert middleware.process_exception(request, Http404()) is None  # Django's own are Django's
