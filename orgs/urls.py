from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("list/", views.OrgListView.as_view(), name="list"),
    path("<int:pk>/", views.org_detail, name="detail"),
    path("<int:pk>/node/", views.tree_node, name="node"),
    path("<int:pk>/new-child/", views.org_create, name="create"),
    path("<int:pk>/edit/", views.org_edit, name="edit"),
    path("<int:pk>/move/", views.org_move, name="move"),
    path("<int:pk>/terms/new/", views.term_create, name="term_create"),
]
