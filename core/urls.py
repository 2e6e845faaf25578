from django.urls import path

from core import views

# The home page "core:home" is the project's (dangjian.views.home, added by dangjian.urls).
app_name = "core"
urlpatterns = [
    path("audit/", views.AuditListView.as_view(), name="audit_list"),
    path("system/", views.system, name="system"),
    path("system/calendar/", views.CalendarView.as_view(), name="calendar"),
]
