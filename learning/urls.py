from django.urls import path

from learning import views

app_name = "learning"
urlpatterns = [
    path("", views.LearningHomeView.as_view(), name="home"),
    path("items/<int:pk>/", views.ItemView.as_view(), name="item"),
    path("items/<int:pk>/media", views.item_media, name="item_media"),
    path("orgs/<int:pk>/progress/", views.ProgressView.as_view(), name="progress"),
    path("items/<int:pk>/session", views.session_open, name="session_open"),
    path("beat", views.beat, name="beat"),
]
