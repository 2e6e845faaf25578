from django.urls import path

from orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.tree, name="tree"),
    path("list/", views.OrgListView.as_view(), name="list"),
    path("rules/", views.rules, name="rules"),
    path("<int:pk>/rules/", views.rules, name="org_rules"),
    path("<int:pk>/", views.OrgDetailView.as_view(), name="detail"),
    path("<int:pk>/node/", views.TreeNodeView.as_view(), name="node"),
    path("<int:pk>/new-child/", views.OrgCreateView.as_view(), name="create"),
    path("<int:pk>/edit/", views.OrgEditView.as_view(), name="edit"),
    path("<int:pk>/move/", views.OrgMoveView.as_view(), name="move"),
    path("<int:pk>/terms/new/", views.TermCreateView.as_view(), name="term_create"),
]
