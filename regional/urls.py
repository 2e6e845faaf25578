from django.urls import path

from regional import views

app_name = "regional"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("orgs/<int:pk>/coverage/", views.CoverageView.as_view(), name="coverage"),
    path("buildings/<int:pk>/", views.BuildingView.as_view(), name="building"),
    path("buildings/<int:pk>/units/add/", views.UnitAddView.as_view(), name="unit_add"),
    path("buildings/<int:pk>/serve/", views.ServeView.as_view(), name="serve"),
    path("units/<int:pk>/instructors/add/", views.InstructorView.as_view(), name="instructor_add"),
    path("orgs/<int:pk>/villages/", views.VillageCountsView.as_view(), name="villages"),
    path("villages/<int:pk>/", views.VillageView.as_view(), name="village"),
    path("villages/<int:pk>/report/", views.ReportView.as_view(), name="report"),
    path("villages/<int:pk>/assess/", views.AssessView.as_view(), name="assess"),
    path("orgs/<int:pk>/cobuilding/", views.CoBuildingView.as_view(), name="cobuilding"),
    path("orgs/<int:pk>/cobuilding/seats/add/", views.SeatAddView.as_view(), name="seat_add"),
    path("orgs/<int:pk>/cobuilding/items/add/", views.ItemAddView.as_view(), name="item_add"),
    path("cobuilding/items/<int:pk>/complete/", views.ProjectCompleteView.as_view(), name="project_complete"),
]
