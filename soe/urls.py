from django.urls import path

from soe import views

app_name = "soe"
urlpatterns = [
    path("", views.TaskListView.as_view(), name="home"),
    path("ledger/", views.ShareListView.as_view(), name="shares"),
    path("tasks/new/", views.TaskFormView.as_view(), name="task_new"),
    path("tasks/<int:pk>/", views.TaskView.as_view(), name="task"),
    path("tasks/<int:pk>/edit/", views.TaskFormView.as_view(), name="task_edit"),
    path("shares/<int:pk>/", views.ShareView.as_view(), name="share"),
    path("shares/<int:pk>/report/", views.ReportFormView.as_view(), name="report"),
]
