from django.urls import path

from members import import_views, views
from members.roster import roster

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("lookup/", views.member_lookup, name="lookup"),
    path("roster/<int:org_id>/", roster, name="roster"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/unmask/", views.member_unmask, name="unmask"),
    path("<int:pk>/edit/", views.member_edit, name="edit"),
    path("<int:pk>/records/<slug:kind>/new/", views.record_add, name="record_add"),
    path("<int:pk>/records/<slug:kind>/<int:record_pk>/edit/", views.record_edit, name="record_edit"),
    path("<int:pk>/records/<slug:kind>/<int:record_pk>/delete/", views.record_delete, name="record_delete"),
    path("<int:pk>/documents/new/", views.document_upload, name="document_upload"),
    path("documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("documents/<int:doc_pk>/delete/", views.document_delete, name="document_delete"),
    path("<int:pk>/corrections/new/", views.correction_create, name="correction_create"),
    path("corrections/", views.correction_list, name="corrections"),
    path("corrections/<int:cr_pk>/decide/", views.correction_decide, name="correction_decide"),
    path("import/", import_views.import_start, name="import"),
    path("import/<int:pk>/", import_views.import_detail, name="import_detail"),
    path("import/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("import/<int:pk>/commit/", import_views.import_commit, name="import_commit"),
    path("import/<int:pk>/discard/", import_views.import_discard, name="import_discard"),
    path("import/<int:pk>/errors.<str:fmt>", import_views.import_report, name="import_report"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
]
