from django.urls import path

from members import import_views, views
from members.roster import RosterView

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("lookup/", views.MemberLookupView.as_view(), name="lookup"),
    path("roster/<int:org_id>/", RosterView.as_view(), name="roster"),
    path("<int:pk>/", views.MemberDetailView.as_view(), name="detail"),
    path("<int:pk>/unmask/", views.MemberUnmaskView.as_view(), name="unmask"),
    path("<int:pk>/edit/", views.MemberEditView.as_view(), name="edit"),
    path("<int:pk>/records/<slug:kind>/new/", views.RecordAddView.as_view(), name="record_add"),
    path("<int:pk>/records/<slug:kind>/<int:record_pk>/edit/", views.RecordEditView.as_view(), name="record_edit"),
    path("<int:pk>/records/<slug:kind>/<int:record_pk>/delete/", views.RecordDeleteView.as_view(), name="record_delete"),
    path("<int:pk>/documents/new/", views.DocumentUploadView.as_view(), name="document_upload"),
    path("documents/<int:doc_pk>/", views.document_download, name="document_download"),
    path("documents/<int:doc_pk>/delete/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<int:pk>/corrections/new/", views.CorrectionCreateView.as_view(), name="correction_create"),
    path("corrections/", views.correction_list, name="corrections"),
    path("corrections/<int:cr_pk>/decide/", views.CorrectionDecideView.as_view(), name="correction_decide"),
    path("import/", import_views.ImportStartView.as_view(), name="import"),
    path("import/<int:pk>/", import_views.ImportDetailView.as_view(), name="import_detail"),
    path("import/<int:pk>/progress/", import_views.ImportProgressView.as_view(), name="import_progress"),
    path("import/<int:pk>/commit/", import_views.ImportCommitView.as_view(), name="import_commit"),
    path("import/<int:pk>/discard/", import_views.ImportDiscardView.as_view(), name="import_discard"),
    path("import/<int:pk>/errors.<str:fmt>", import_views.import_report, name="import_report"),
    path("import/template.xlsx", import_views.import_template, name="import_template"),
]
