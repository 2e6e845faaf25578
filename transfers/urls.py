from django.urls import path

from transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.LetterListView.as_view(), name="list"),
    path("issue/", views.letter_issue, name="issue"),
    path("receive-external/", views.letter_receive_external, name="receive_external"),
    path("warnings/", views.warnings, name="warnings"),
    path("mobile/", views.CertificateListView.as_view(), name="certificates"),
    path("mobile/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path("mobile/<int:pk>/renew/", views.CertificateRenewView.as_view(), name="certificate_renew"),
    path("mobile/<int:pk>/close/", views.CertificateCloseView.as_view(), name="certificate_close"),
    path("<int:pk>/", views.letter_detail, name="detail"),
    path("<int:pk>/print/", views.letter_print, name="print"),
    path("<int:pk>/accept/", views.letter_action, {"action": "accept"}, name="accept"),
    path("<int:pk>/return/", views.letter_action, {"action": "return"}, name="return"),
    path("<int:pk>/cancel/", views.letter_action, {"action": "cancel"}, name="cancel"),
    path("<int:pk>/complete/", views.letter_action, {"action": "complete"}, name="complete"),
    path("<int:pk>/expire/", views.letter_action, {"action": "expire"}, name="expire"),
]
