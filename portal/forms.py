from core import forms
from portal.models import Article, Channel

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ChannelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name


class ArticleForm(forms.ModelForm):
    """The editor's form. The body is HTML; it is sanitized (portal.sanitize) when saved."""

    channel = ChannelChoiceField(label="栏目", queryset=Channel.objects.none(),
                                 help_text="只列出您有权编辑的栏目")
    source_url = forms.URLField(label="原文地址", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Article
        fields = ["channel", "title", "source", "source_url", "author", "editor_name", "summary", "body",
                  "featured", "starts_on", "ends_on"]
        widgets = {"summary": forms.Textarea(attrs={"rows": 3}),
                   # data-rich-editor: portal/static/portal/editor.js puts the rich-text editor over
                   # it; without script the textarea takes HTML as before.
                   "body": forms.Textarea(attrs={"rows": 18, "data-rich-editor": ""}),
                   "starts_on": forms.DateInput(), "ends_on": forms.DateInput()}
        help_texts = {"body": "可用段落、小标题（h2/h3）、列表、引用、表格、链接和本站图片；其他标记保存时会被去除",
                      "editor_name": "留空则为撰稿人",
                      "starts_on": "通知公告、党务公开：公示开始日期",
                      "ends_on": "通知公告、党务公开：过了此日期不再列出"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = Channel.objects.visible_to(user, "edit")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("channel")
        return data


class ReturnForm(forms.Form):
    note = forms.CharField(label="退回意见", max_length=200)


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(label="发布时间", required=False, widget=DATETIME,
                                     input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                     help_text="留空立即发布；填写将来的时间即为定时发布")


class UnpublishForm(forms.Form):
    reason = forms.CharField(label="撤下原因", max_length=200, required=False)


class SubmitForm(forms.Form):
    pass


class ImageForm(forms.Form):
    image = forms.FileField(label="图片", help_text="PNG 或 JPEG，最大 5 MB；自动生成缩略图并去除拍摄信息")
    alt = forms.CharField(label="图片说明", max_length=100, required=False)
    lead = forms.BooleanField(label="设为题图（推荐图文）", required=False)


class CommentForm(forms.Form):
    name = forms.CharField(label="署名", max_length=30, required=False)
    body = forms.CharField(label="评论内容", max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))
