from django.urls import path

from community import views

app_name = "community"
urlpatterns = [
    path("", views.CommunityHomeView.as_view(), name="home"),
    path("checkin/", views.CheckInRequestView.as_view(), name="checkin_request"),
    path("checkins/", views.CheckInListView.as_view(), name="checkins"),
    path("checkins/<int:pk>/", views.CheckInView.as_view(), name="checkin"),
    path("checkins/<int:pk>/decide/", views.DecideView.as_view(), name="decide"),
    path("checkins/<int:pk>/team/", views.AssignView.as_view(), name="assign"),
    path("checkins/<int:pk>/records/new/", views.RecordAddView.as_view(), name="record_add"),
    path("checkins/<int:pk>/rating/", views.RatingView.as_view(), name="rating"),
    path("checkins/<int:pk>/end/", views.EndView.as_view(), name="end"),
    path("teams/new/", views.TeamCreateView.as_view(), name="team_create"),
    path("units/<int:pk>/", views.UnitFeedbackView.as_view(), name="unit"),
]
