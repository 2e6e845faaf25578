from django.urls import path

from reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("rounds/", views.RoundListView.as_view(), name="rounds"),
    path("rounds/new/", views.RoundFormView.as_view(), name="round_new"),
    path("rounds/<int:pk>/", views.RoundView.as_view(), name="round"),
    path("rounds/<int:pk>/edit/", views.RoundFormView.as_view(), name="round_edit"),
    path("rounds/<int:pk>/groups/new/", views.GroupFormView.as_view(), name="group_new"),
    path("rounds/<int:pk>/groups/<int:group>/", views.GroupFormView.as_view(), name="group_edit"),
    path("rounds/<int:pk>/groups/<int:group>/delete/", views.GroupDeleteView.as_view(), name="group_delete"),
    path("rounds/<int:pk>/open/", views.RoundOpenView.as_view(), name="round_open"),
    path("rounds/<int:pk>/close/", views.RoundCloseView.as_view(), name="round_close"),
    path("subjects/<int:pk>/", views.SubjectView.as_view(), name="subject"),
    path("subjects/<int:pk>/report/", views.ReportFormView.as_view(), name="subject_report"),
    path("subjects/<int:pk>/file/", views.SubjectFileView.as_view(), name="subject_file"),
    path("subjects/<int:pk>/rate/", views.RateView.as_view(), name="subject_rate"),
    path("subjects/<int:pk>/feedback/", views.FeedbackFormView.as_view(), name="subject_feedback"),
    path("results/", views.ResultListView.as_view(), name="results"),
    path("followups/", views.FollowUpListView.as_view(), name="followups"),
    path("followups/<int:pk>/done/", views.FollowUpDoneView.as_view(), name="followup_done"),
]
