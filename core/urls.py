from django.urls import path

from core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("system/", views.system, name="system"),
    path("system/calendar/", views.CalendarView.as_view(), name="calendar"),
]
