from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("", views.FlaggedMemberListView.as_view(), name="list"),
    path("visits/", views.CareVisitListView.as_view(), name="visits"),
    path("visits/new/", views.VisitCreateView.as_view(), name="visit_create"),
    path("visits/<int:pk>/edit/", views.VisitEditView.as_view(), name="visit_edit"),
    path("visits/<int:pk>/delete/", views.VisitDeleteView.as_view(), name="visit_delete"),
    path("stats/", views.CareStatsView.as_view(), name="stats"),
    path("members/<int:pk>/", views.MemberCareView.as_view(), name="member"),
]
