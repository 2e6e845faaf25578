from django.urls import path

from exams import views

app_name = "exams"
urlpatterns = [
    path("", views.ExamHomeView.as_view(), name="home"),
    path("questions/", views.QuestionListView.as_view(), name="questions"),
    path("questions/new/", views.QuestionCreateView.as_view(), name="question_create"),
    path("new/", views.ExamCreateView.as_view(), name="exam_create"),
    path("<int:pk>/", views.ExamDetailView.as_view(), name="exam"),
    path("<int:pk>/start/", views.AttemptStartView.as_view(), name="start"),
    path("attempts/<int:pk>/", views.AttemptView.as_view(), name="attempt"),
    path("practice/", views.PracticeView.as_view(), name="practice"),
]
