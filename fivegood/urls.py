from django.urls import path

from fivegood import views

app_name = "fivegood"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("standards/", views.StandardListView.as_view(), name="standards"),
    path("standards/new/", views.StandardFormView.as_view(), name="standard_new"),
    path("standards/<int:pk>/", views.StandardView.as_view(), name="standard"),
    path("standards/<int:pk>/edit/", views.StandardFormView.as_view(), name="standard_edit"),
    path("standards/<int:pk>/issue/", views.StandardIssueView.as_view(), name="standard_issue"),
    path("standards/<int:pk>/version/", views.StandardVersionView.as_view(), name="standard_version"),
    path("assessments/", views.AssessmentListView.as_view(), name="assessments"),
    path("assessments/new/", views.AssessmentStartView.as_view(), name="assessment_new"),
    path("assessments/<int:pk>/", views.AssessmentView.as_view(), name="assessment"),
    path("assessments/<int:pk>/self/", views.SelfScoreView.as_view(), name="self_score"),
    path("assessments/<int:pk>/submit/", views.SubmitView.as_view(), name="submit"),
    path("assessments/<int:pk>/assess/", views.AssessView.as_view(), name="assess"),
    path("assessments/<int:pk>/return/", views.ReturnView.as_view(), name="return"),
    path("assessments/<int:pk>/reopen/", views.ReopenView.as_view(), name="reopen"),
    path("assessments/<int:pk>/exemplar/", views.ExemplarSelectView.as_view(), name="exemplar_new"),
    path("scores/<int:pk>/file/", views.ScoreFileView.as_view(), name="score_file"),
    path("exemplars/", views.ExemplarListView.as_view(), name="exemplars"),
    path("exemplars/<int:pk>/publish/", views.ExemplarPublishView.as_view(), name="exemplar_publish"),
]
