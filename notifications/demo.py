"""The demo's messages: what the services would have written had the demo's records been entered
through them (the loaders insert in bulk), so the header shows a count. Read from the tables,
since this app imports none of the others (the layers): transfer letters waiting at an org of
the platform, and today's reminders."""

from django.apps import apps
from django.urls import reverse

from notifications import services
from notifications.models import Kind


def load() -> int:
    written = 0
    letter_model = apps.get_model("transfers", "Letter")
    for letter in (letter_model.objects.filter(state="issued", to_org__isnull=False)
                   .select_related("member", "from_org", "to_org").order_by("pk")[:200]):
        written += len(services.notify(
            recipients=services.org_officers(letter.to_org), kind=Kind.TRANSFER_WAITING,
            link=reverse("transfers:detail", args=[letter.pk]),
            title=f"介绍信 {letter.number} 待接收：{letter.member.name}，由{letter.from_org.name}转入{letter.to_org.name}"))
    return written + services.remind()
