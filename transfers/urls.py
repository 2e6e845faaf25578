from django.urls import path

from transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.LetterListView.as_view(), name="list"),
    path("issue/", views.LetterIssueView.as_view(), name="issue"),
    path("receive-external/", views.LetterReceiveExternalView.as_view(), name="receive_external"),
    path("warnings/", views.warnings, name="warnings"),
    path("mobile/", views.CertificateListView.as_view(), name="certificates"),
    path("mobile/new/", views.CertificateCreateView.as_view(), name="certificate_create"),
    path("mobile/<int:pk>/renew/", views.CertificateRenewView.as_view(), name="certificate_renew"),
    path("mobile/<int:pk>/close/", views.CertificateCloseView.as_view(), name="certificate_close"),
    path("<int:pk>/", views.LetterDetailView.as_view(), name="detail"),
    path("<int:pk>/print/", views.LetterPrintView.as_view(), name="print"),
    path("<int:pk>/accept/", views.LetterActionView.as_view(), {"action": "accept"}, name="accept"),
    path("<int:pk>/return/", views.LetterActionView.as_view(), {"action": "return"}, name="return"),
    path("<int:pk>/cancel/", views.LetterActionView.as_view(), {"action": "cancel"}, name="cancel"),
    path("<int:pk>/complete/", views.LetterActionView.as_view(), {"action": "complete"}, name="complete"),
    path("<int:pk>/expire/", views.LetterActionView.as_view(), {"action": "expire"}, name="expire"),
]
