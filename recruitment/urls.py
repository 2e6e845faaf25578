from django.urls import path

from recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("new/", views.case_create, name="create"),
    path("warnings/", views.warnings, name="warnings"),
    path("plans/", views.plans, name="plans"),
    path("plans/edit/", views.plan_edit, name="plan_edit"),
    path("notices/public/", views.public_notices, name="public_notices"),
    path("notices/<int:pk>/objections/new/", views.objection_create, name="objection_create"),
    path("objections/<int:pk>/resolve/", views.objection_resolve, name="objection_resolve"),
    path("<int:pk>/", views.case_detail, name="detail"),
    path("<int:pk>/print/", views.case_print, name="print"),
    path("<int:pk>/docx/", views.case_docx, name="docx"),
    path("<int:pk>/steps/<int:number>/", views.step_record, name="step"),
    path("<int:pk>/notices/new/", views.notice_create, name="notice_create"),
    path("<int:pk>/extend/", views.case_extend, name="extend"),
    path("<int:pk>/cancel/", views.case_end, {"action": "cancel"}, name="cancel"),
    path("<int:pk>/close/", views.case_end, {"action": "close"}, name="close"),
]
