from django.urls import path

from insights import views

app_name = "insights"
urlpatterns = [
    path("warnings/", views.WarningsView.as_view(), name="warnings"),
    path("health/", views.HealthView.as_view(), name="health"),
    path("report/", views.AnnualReportView.as_view(), name="report"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("screen/", views.ScreenView.as_view(), name="screen"),
]
