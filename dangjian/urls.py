from django.urls import include, path

from dangjian.api import api

urlpatterns = [
    path("", include("core.urls")),
    path("accounts/", include("accounts.urls")),
    path("orgs/", include("orgs.urls")),
    path("members/", include("members.urls")),
    path("care/", include("care.urls")),
    path("transfers/", include("transfers.urls")),
    path("orglife/", include("orglife.urls")),
    path("api/v1/", api.urls),
]

handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"
