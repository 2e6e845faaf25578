from django.urls import path

from orders import public

app_name = "service"
urlpatterns = [
    path("", public.home, name="home"),
    path("c/<int:pk>/", public.order, name="order"),
    path("captcha/<str:key>/", public.captcha_image, name="captcha"),
    path("lookup/", public.lookup, name="lookup"),
    path("t/<str:token>/", public.track, name="track"),
]
