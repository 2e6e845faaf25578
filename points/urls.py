from django.urls import path

from points import views

app_name = "points"
urlpatterns = [
    path("", views.PointsHomeView.as_view(), name="home"),
    path("orgs/<int:pk>/", views.RankingView.as_view(), name="ranking"),
    path("orgs/<int:pk>/switch/", views.RankingSwitchView.as_view(), name="ranking_switch"),
]
