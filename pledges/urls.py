from django.urls import path

from pledges import views

app_name = "pledges"
urlpatterns = [
    path("", views.PledgeHomeView.as_view(), name="home"),
    path("new/", views.PledgeCreateView.as_view(), name="pledge_create"),
    path("<int:pk>/", views.PledgeDetailView.as_view(), name="pledge"),
    path("<int:pk>/edit/", views.PledgeEditView.as_view(), name="pledge_edit"),
    path("<int:pk>/review/", views.PledgeReviewView.as_view(), name="pledge_review"),
    path("<int:pk>/records/new/", views.RecordAddView.as_view(), name="record_add"),
    path("records/<int:pk>/review/", views.RecordReviewView.as_view(), name="record_review"),
    path("queue/", views.QueueView.as_view(), name="queue"),
    path("posts/", views.PostListView.as_view(), name="posts"),
    path("posts/new/", views.PostCreateView.as_view(), name="post_create"),
    path("posts/<int:pk>/", views.PostDetailView.as_view(), name="post"),
    path("posts/<int:pk>/end/", views.PostEndView.as_view(), name="post_end"),
    path("posts/<int:pk>/qr.svg", views.post_qr, name="post_qr"),
    path("badge/<str:token>/", views.badge, name="badge"),
]
