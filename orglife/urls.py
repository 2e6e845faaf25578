from django.urls import path

from orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.meeting_create, name="create"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("compliance/", views.compliance, name="compliance"),
    path("reviews/", views.ReviewQueueView.as_view(), name="reviews"),
    path("mine/", views.mine, name="mine"),
    path("topics/", views.topics, name="topics"),
    path("topics/<int:topic_pk>/vote/", views.topic_vote, name="topic_vote"),
    path("topics/<int:topic_pk>/schedule/", views.topic_schedule, name="topic_schedule"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("copies/<int:flag_pk>/", views.copy_compare, name="copy_compare"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("<int:pk>/submit/", views.meeting_submit, name="submit"),
    path("<int:pk>/review/", views.meeting_review, name="review"),
    path("<int:pk>/qr.svg", views.meeting_qr, name="qr"),
]
