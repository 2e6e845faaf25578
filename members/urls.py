from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.MemberListView.as_view(), name="list"),
    path("lookup/", views.member_lookup, name="lookup"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/unmask/", views.member_unmask, name="unmask"),
]
