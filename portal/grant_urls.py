from django.urls import path

from portal import grant_views

app_name = "channel_grants"
urlpatterns = [
    path("", grant_views.ChannelGrantsView.as_view(), name="list"),
    path("<int:pk>/remove/", grant_views.ChannelGrantRemoveView.as_view(), name="remove"),
]
