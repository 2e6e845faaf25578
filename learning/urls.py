from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.LearningHomeView.as_view(), name="home"),
    path("library/", views.LibraryView.as_view(), name="library"),
    path("channels/new/", views.ChannelCreateView.as_view(), name="channel_create"),
    path("courses/new/", views.CourseCreateView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseView.as_view(), name="course"),
    path("courses/<int:pk>/items/new/", views.ItemAddView.as_view(), name="item_add"),
    path("courses/<int:pk>/publish/", views.CoursePublishView.as_view(), name="course_publish"),
    path("items/<int:pk>/", views.ItemView.as_view(), name="item"),
    path("items/<int:pk>/media", views.item_media, name="item_media"),
    path("orgs/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("items/<int:pk>/session", views.session_open, name="session_open"),
    path("beat", views.beat, name="beat"),
]
