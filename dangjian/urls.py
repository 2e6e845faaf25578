from django.urls import include, path

from core import urls as core_urls
from dangjian import views
from dangjian.api import api

# The home page gathers every module, so it is the project's; it keeps its name, "core:home".
core_patterns = [path("", views.home, name="home"), *core_urls.urlpatterns]

urlpatterns = [
    path("", include((core_patterns, core_urls.app_name))),
    # The security admin's page for the portal's channel grants, in the security admin's area.
    path("accounts/grants/channels/", include("portal.grant_urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("care/", include("care.urls")),
    path("transfers/", include("transfers.urls")),
    path("recruitment/", include("recruitment.urls")),
    path("news/", include("portal.urls")),
    path("orglife/", include("orglife.urls")),
    path("learning/", include("learning.urls")),
    path("exams/", include("exams.urls")),
    path("training/", include("training.urls")),
    path("pledges/", include("pledges.urls")),
    path("points/", include("points.urls")),
    path("community/", include("community.urls")),
    path("orders/", include("orders.urls")),
    path("service/", include("orders.public_urls")),
    path("oversight/", include("oversight.urls")),
    path("lagging/", include("lagging.urls")),
    path("soe/", include("soe.urls")),
    path("fivegood/", include("fivegood.urls")),
    path("reviews/", include("reviews.urls")),
    path("insights/", include("insights.urls")),
    path("notifications/", include("notifications.urls")),
    path("dues/", include("dues.urls")),
    path("regional/", include("regional.urls")),
    path("api/v1/", api.urls),
    # /healthz, /readyz, /metrics: for the load balancer and Prometheus (ops.views).
    path("", include("ops.urls")),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
