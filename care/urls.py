from django.urls import path

from care import views

app_name = "care"
urlpatterns = [
    path("", views.FlaggedMemberListView.as_view(), name="list"),
    path("visits/", views.CareVisitListView.as_view(), name="visits"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("stats/", views.care_stats, name="stats"),
    path("members/<int:pk>/", views.member_care, name="member"),
]
