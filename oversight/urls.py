from django.urls import path

from oversight import views

app_name = "oversight"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rectification/", views.RectificationPlanView.as_view(), name="rectification"),
    path("plans/", views.PlanListView.as_view(), name="plans"),
    path("plans/new/", views.PlanFormView.as_view(), name="plan_new"),
    path("plans/<int:pk>/", views.PlanView.as_view(), name="plan"),
    path("plans/<int:pk>/edit/", views.PlanFormView.as_view(), name="plan_edit"),
    path("teams/", views.TeamListView.as_view(), name="teams"),
    path("teams/new/", views.TeamFormView.as_view(), name="team_new"),
    path("teams/<int:pk>/", views.TeamView.as_view(), name="team"),
    path("teams/<int:pk>/visit/", views.VisitFormView.as_view(), name="visit_new"),
    path("visits/", views.VisitListView.as_view(), name="visits"),
    path("visits/<int:pk>/", views.VisitView.as_view(), name="visit"),
    path("visits/<int:pk>/file/", views.VisitFileView.as_view(), name="visit_file"),
    path("inspections/", views.InspectionListView.as_view(), name="inspections"),
    path("inspections/new/", views.InspectionFormView.as_view(), name="inspection_new"),
    path("inspections/<int:pk>/", views.InspectionView.as_view(), name="inspection"),
    path("inspections/<int:pk>/items/new/", views.ItemAddView.as_view(), name="item_new"),
    path("items/", views.ItemListView.as_view(), name="items"),
    path("items/<int:pk>/", views.ItemView.as_view(), name="item"),
    path("items/<int:pk>/submit/", views.EvidenceSubmitView.as_view(), name="evidence_submit"),
    path("items/<int:pk>/return/", views.ReturnView.as_view(), name="evidence_return"),
    path("items/<int:pk>/accept/", views.AcceptView.as_view(), name="evidence_accept"),
    path("bulletins/", views.BulletinListView.as_view(), name="bulletins"),
    path("bulletins/new/", views.BulletinGenerateView.as_view(), name="bulletin_new"),
    path("bulletins/<int:pk>/", views.BulletinView.as_view(), name="bulletin"),
    path("bulletins/<int:pk>/edit/", views.BulletinEditView.as_view(), name="bulletin_edit"),
    path("bulletins/<int:pk>/regenerate/", views.BulletinRegenerateView.as_view(), name="bulletin_regenerate"),
    path("bulletins/<int:pk>/publish/", views.BulletinPublishView.as_view(), name="bulletin_publish"),
    path("bulletins/<int:pk>/<str:kind>/", views.BulletinFileView.as_view(), name="bulletin_file"),
    path("evidence/<int:pk>/file/", views.EvidenceFileView.as_view(), name="evidence_file"),
]
