from django.urls import path

from portal import grant_views

app_name = "channel_grants"
urlpatterns = [
    path("", grant_views.channel_grants, name="list"),
    path("<int:pk>/remove/", grant_views.channel_grant_remove, name="remove"),
]
