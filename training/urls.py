from django.urls import path

from training import views

app_name = "training"
urlpatterns = [
    path("", views.TrainingHomeView.as_view(), name="home"),
    path("group/", views.GroupStudyListView.as_view(), name="group_studies"),
    path("group/new/", views.GroupStudyCreateView.as_view(), name="group_study_create"),
    path("group/<int:pk>/", views.GroupStudyDetailView.as_view(), name="group_study"),
    path("group/<int:pk>/delete/", views.GroupStudyDeleteView.as_view(), name="group_study_delete"),
    path("classes/", views.ClassListView.as_view(), name="classes"),
    path("classes/new/", views.ClassCreateView.as_view(), name="class_create"),
    path("classes/<int:pk>/", views.ClassDetailView.as_view(), name="class"),
    path("classes/<int:pk>/enrol/", views.EnrolView.as_view(), name="enrol"),
    path("classes/<int:pk>/sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("classes/<int:pk>/close/", views.ClassCloseView.as_view(), name="close"),
    path("enrolments/<int:pk>/certificate/", views.CertificateView.as_view(), name="certificate"),
    path("rotation/", views.RotationView.as_view(), name="rotation"),
]
