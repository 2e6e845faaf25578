"""`dangjian portal import-article FILE [--channel CODE]`: a saved article page becomes an article
(title, date, source, 核心提示, section headings and paragraphs; the republishing site's
navigation, disclaimer and buttons left out). Re-importing the same page updates it.

`dangjian portal grant USERNAME CHANNEL_CODE editor|reviewer`: a role on a channel subtree."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from core.context import acting_as
from core.files import decode_text
from portal import importing, services
from portal.models import Channel


class Command(BaseCommand):
    help = "资讯：导入保存的文章页面（import-article）；授予栏目编辑、审核权限（grant）"

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{import-article,grant}")
        importer = actions.add_parser("import-article", help="导入保存的文章页面（纯文本）")
        importer.add_argument("file")
        importer.add_argument("--channel", help="栏目代码；不填则按页面上的栏目路径找末级栏目")
        importer.add_argument("--draft", action="store_true", help="导入为草稿，不发布")
        granter = actions.add_parser("grant", help="授予用户某栏目（含下级栏目）的编辑或审核权限")
        granter.add_argument("username")
        granter.add_argument("channel")
        granter.add_argument("role", choices=["editor", "reviewer"])

    def handle(self, *args, action, **options):
        with acting_as(None, channel="cli"):
            if action == "grant":
                return self.grant(**options)
            return self.import_article(**options)

    def import_article(self, *, file, channel, draft, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        text = decode_text(path.read_bytes())
        if text is None:
            raise CommandError("无法识别文件编码（支持 UTF-8 和 GB18030）")
        parsed = importing.parse(text)
        if not parsed.title:
            raise CommandError("没有找到文章标题")
        target = self.channel_for(channel, parsed)
        try:
            article, created = services.article_import(actor=None, parsed=parsed, channel=target,
                                                       publish=not draft)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        verb = "已导入" if created else "已更新"
        self.stdout.write(f"{verb}：{article.title}（{target.name}，{len(parsed.headings)} 个小标题）"
                          f" {article.get_absolute_url()}")

    def channel_for(self, code, parsed) -> Channel:
        if code:
            found = Channel.objects.filter(code=code).first()
            if found is None:
                raise CommandError(f"栏目代码不存在：{code}")
            return found
        for name in reversed(parsed.channel_names):
            found = Channel.objects.filter(name=name).first()
            if found is not None:
                return found
        raise CommandError("页面上的栏目在本站不存在，请用 --channel 指定栏目代码")

    def grant(self, *, username, channel, role, **options):
        user = User.objects.filter(username=username).first()
        found = Channel.objects.filter(code=channel).first()
        if user is None or found is None:
            raise CommandError("用户或栏目不存在")
        services.grant(user=user, channel=found, role=role)
        self.stdout.write(f"已授予 {username} {found.name} 的 {role} 权限")
