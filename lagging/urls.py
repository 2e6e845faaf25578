from django.urls import path

from lagging import views

app_name = "lagging"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("suggestions/", views.SuggestionsView.as_view(), name="suggestions"),
    path("orgs/<int:pk>/open/", views.CaseOpenView.as_view(), name="case_open"),
    path("orgs/<int:pk>/grades/", views.GradesView.as_view(), name="grades"),
    path("cases/", views.CaseListView.as_view(), name="cases"),
    path("cases/<int:pk>/", views.CaseView.as_view(), name="case"),
    path("cases/<int:pk>/plan/", views.PlanView.as_view(), name="plan"),
    path("cases/<int:pk>/tasks/new/", views.TaskAddView.as_view(), name="task_new"),
    path("cases/<int:pk>/close/", views.CloseView.as_view(), name="close"),
    path("cases/<int:pk>/file/", views.CaseFileView.as_view(), name="case_file"),
    path("tasks/<int:pk>/done/", views.TaskDoneView.as_view(), name="task_done"),
    path("tasks/<int:pk>/file/", views.TaskFileView.as_view(), name="task_file"),
]
