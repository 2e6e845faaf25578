from django.urls import path

from orders import views

app_name = "orders"
urlpatterns = [
    path("", views.OrdersHomeView.as_view(), name="home"),
    path("list/", views.OrderListView.as_view(), name="list"),
    path("<int:pk>/", views.OrderView.as_view(), name="order"),
    path("<int:pk>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
    path("<int:pk>/reject/", views.RejectView.as_view(), name="reject"),
    path("<int:pk>/phone/", views.PhoneView.as_view(), name="phone"),
    path("<int:pk>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<int:pk>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<int:pk>/complete/", views.CompleteView.as_view(), name="complete"),
    path("menu/", views.MenuView.as_view(), name="menu"),
    path("menu/new/", views.ItemFormView.as_view(), name="item_new"),
    path("menu/<int:pk>/edit/", views.ItemFormView.as_view(), name="item_edit"),
]
