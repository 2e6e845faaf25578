from django.urls import path

from recruitment import views

app_name = "recruitment"
urlpatterns = [
    path("", views.CaseListView.as_view(), name="list"),
    path("new/", views.CaseCreateView.as_view(), name="create"),
    path("warnings/", views.WarningsView.as_view(), name="warnings"),
    path("plans/", views.PlansView.as_view(), name="plans"),
    path("plans/edit/", views.PlanEditView.as_view(), name="plan_edit"),
    path("notices/public/", views.public_notices, name="public_notices"),
    path("notices/<int:pk>/objections/new/", views.ObjectionCreateView.as_view(), name="objection_create"),
    path("objections/<int:pk>/resolve/", views.ObjectionResolveView.as_view(), name="objection_resolve"),
    path("<int:pk>/", views.CaseDetailView.as_view(), name="detail"),
    path("<int:pk>/print/", views.CasePrintView.as_view(), name="print"),
    path("<int:pk>/docx/", views.case_docx, name="docx"),
    path("<int:pk>/steps/<int:number>/", views.StepView.as_view(), name="step"),
    path("<int:pk>/notices/new/", views.NoticeCreateView.as_view(), name="notice_create"),
    path("<int:pk>/extend/", views.CaseExtendView.as_view(), name="extend"),
    path("<int:pk>/cancel/", views.CaseEndView.as_view(), {"action": "cancel"}, name="cancel"),
    path("<int:pk>/close/", views.CaseEndView.as_view(), {"action": "close"}, name="close"),
]
