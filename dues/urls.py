from django.urls import path

from dues import views

app_name = "dues"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("orgs/<int:pk>/", views.OrgDuesView.as_view(), name="org"),
    path("orgs/<int:pk>/report.xlsx", views.ReportView.as_view(), name="report"),
    path("orgs/<int:pk>/import/", views.ImportView.as_view(), name="import"),
    path("orgs/<int:pk>/statement/", views.StatementView.as_view(), name="statement"),
    path("orgs/<int:pk>/carry/", views.CarryView.as_view(), name="carry"),
    path("orgs/<int:pk>/confirm/", views.ConfirmView.as_view(), name="confirm"),
    path("members/<int:pk>/pay/", views.PaymentView.as_view(), name="pay"),
    path("payments/<int:pk>/void/", views.VoidView.as_view(), name="void"),
    path("members/<int:pk>/open/", views.OpenView.as_view(), name="open"),
    path("years/<int:pk>/adjust/", views.AdjustView.as_view(), name="adjust"),
]
