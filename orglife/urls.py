from django.urls import path

from orglife import views

app_name = "orglife"
urlpatterns = [
    path("", views.MeetingListView.as_view(), name="list"),
    path("new/", views.MeetingCreateView.as_view(), name="create"),
    path("calendar/", views.calendar_view, name="calendar"),
    path("compliance/", views.ComplianceView.as_view(), name="compliance"),
    path("absence/", views.AbsenceView.as_view(), name="absence"),
    path("reviews/", views.ReviewQueueView.as_view(), name="reviews"),
    path("mine/", views.MineView.as_view(), name="mine"),
    path("topics/", views.TopicsView.as_view(), name="topics"),
    path("topics/<int:topic_pk>/vote/", views.TopicVoteView.as_view(), name="topic_vote"),
    path("topics/<int:topic_pk>/schedule/", views.TopicScheduleView.as_view(), name="topic_schedule"),
    path("sign-in/<str:token>/", views.sign_in, name="sign_in"),
    path("attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("copies/<int:flag_pk>/", views.CopyCompareView.as_view(), name="copy_compare"),
    path("<int:pk>/", views.MeetingDetailView.as_view(), name="detail"),
    path("<int:pk>/edit/", views.MeetingEditView.as_view(), name="edit"),
    path("<int:pk>/attendance/", views.AttendanceView.as_view(), name="attendance"),
    path("<int:pk>/attachments/", views.AttachmentUploadView.as_view(), name="attachment_upload"),
    path("<int:pk>/submit/", views.MeetingSubmitView.as_view(), name="submit"),
    path("<int:pk>/review/", views.MeetingReviewView.as_view(), name="review"),
    path("<int:pk>/qr.svg", views.meeting_qr, name="qr"),
]
