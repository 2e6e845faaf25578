"""`dangjian oversight escalate`: overdue rectification items go up a level (督办; daily)."""

from django.core.management.base import BaseCommand

from core.context import acting_as
from oversight import services


class Command(BaseCommand):
    help = "督导考核：超过整改时限未整改的事项提级督办（escalate，建议每日运行）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{escalate}")
        actions.add_parser("escalate", help="超期整改事项提级至上一级党组织督办，此后每超期7天再提一级")

    def handle(self, *args, action, **options):
        with acting_as(None, channel="cli"):
            moved = services.items_escalate()
        self.stdout.write(f"已提级督办 {moved} 项超期整改事项")
