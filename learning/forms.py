from django import forms

from core.forms import Form
from learning.models import MAX_CHANNEL_DEPTH, ItemKind, TargetGroup


def _channel_label(channel) -> str:
    return " › ".join(node.name for node in channel.lineage()) + f"（{channel.org.name}）"


class ChannelForm(Form):
    name = forms.CharField(label="栏目名称", max_length=30, help_text="如：理论学习、党史学习、业务培训")
    parent = forms.ModelChoiceField(label="上级栏目（可选）", queryset=None, required=False, empty_label="（顶级栏目）")

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = channels.filter(depth__lt=MAX_CHANNEL_DEPTH)
        self.fields["parent"].label_from_instance = _channel_label


class CourseForm(Form):
    title = forms.CharField(label="课程名称", max_length=100)
    channel = forms.ModelChoiceField(label="栏目（可选）", queryset=None, required=False, empty_label="（不分栏目）")
    summary = forms.CharField(label="简介（可选）", max_length=300, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
    required_for = forms.ChoiceField(label="必学对象（可选）", choices=[("", "（选学课程）"), *TargetGroup.choices],
                                     required=False)
    year = forms.IntegerField(label="必学年度", min_value=2000, max_value=2100, required=False,
                              help_text="必学课程须填写")

    def __init__(self, *args, channels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channel"].queryset = channels
        self.fields["channel"].label_from_instance = _channel_label


class ItemForm(Form):
    kind = forms.ChoiceField(label="类型", choices=ItemKind.choices)
    title = forms.CharField(label="标题", max_length=100)
    minutes = forms.IntegerField(label="时长（分钟）", min_value=1, max_value=24 * 60,
                                 help_text="音视频的播放时长，图文和 PDF 的阅读时间；计时不超过时长的1.5倍")
    body = forms.CharField(label="正文（图文必填）", required=False, widget=forms.Textarea(attrs={"rows": 8}))
    upload = forms.FileField(label="文件（视频、音频、PDF 必传）", required=False,
                             help_text="视频 MP4/WebM，音频 MP3/M4A/OGG，PDF；按文件内容判断类型")
    position = forms.IntegerField(label="顺序", min_value=0, max_value=999, initial=0)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["seconds"] = data.pop("minutes") * 60
        return data


class PublishForm(Form):
    published = forms.TypedChoiceField(choices=[("1", "发布"), ("0", "撤回")], coerce=lambda v: v == "1")
