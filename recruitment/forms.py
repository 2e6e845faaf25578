from django.utils import timezone

from core import forms
from members.models import Education, Member
from orgs.models import MEMBERSHIP_KINDS, Org, OrgKind
from recruitment import rules, selectors
from recruitment.models import EARMARKED, Category, Notice, PreReview, Review

NUMBER = forms.NumberInput(attrs={"inputmode": "numeric", "min": 0})


class CaseForm(forms.Form):
    """Step ①: the written application, received by a branch."""

    org = forms.ModelChoiceField(label="受理党支部", queryset=Org.objects.none())
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=30, help_text="性别、出生日期由身份证号得出；只加密保存，页面显示脱敏号码")
    applied = forms.DateField(label="递交入党申请书日期", initial=timezone.localdate)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    education = forms.ChoiceField(label="学历", choices=[("", "—")] + list(Education.choices), required=False)
    occupation = forms.CharField(label="职业", max_length=50, required=False)
    work_unit = forms.CharField(label="工作单位", max_length=100, required=False)
    category = forms.ChoiceField(label="人员类别（年度计划单列）", choices=Category.choices, initial=Category.OTHER)
    responsible = forms.CharField(label="接收人", max_length=100, required=False)
    documents = forms.CharField(label="材料", max_length=300, required=False, initial="入党申请书")
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (Org.objects.granting(user, "recruitment.change")
                                       .filter(kind__in=MEMBERSHIP_KINDS).order_by("path"))


class StepForm(forms.Form):
    """The common record of a step: date, people responsible, documents, note."""

    done_on = forms.DateField(label="日期", initial=timezone.localdate)
    responsible = forms.CharField(label="责任人", max_length=100, required=False, help_text="经办或谈话的同志，多人以顿号分隔")
    documents = forms.CharField(label="形成的材料", max_length=300, required=False)
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class PeopleStepForm(StepForm):
    people = forms.ModelMultipleChoiceField(label="正式党员", queryset=Member.objects.none(),
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, case, user, number, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = selectors.branch_full_members(case, user)
        self.fields["people"].label = "培养联系人（1至2名正式党员）" if number == 5 else "入党介绍人（2名正式党员）"

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["people"] = list(data["people"])
        return data


class TrainingStepForm(StepForm):
    training_days = forms.IntegerField(label="培训天数", min_value=0, max_value=365, required=False, widget=NUMBER)
    training_hours = forms.IntegerField(label="培训学时", min_value=0, max_value=2000, required=False, widget=NUMBER,
                                        help_text="不少于3天或不少于24个学时（细则第十七条）")


class BranchReviewStepForm(StepForm):
    leaving_on = forms.DateField(label="预计离开工作、学习单位日期", required=False,
                                 help_text="如已知本人将调离、毕业等；3个月内将离开的，一般不办理接收手续（细则第十九条）")


class PlacementStepForm(StepForm):
    group = forms.ModelChoiceField(label="编入党小组", queryset=Org.objects.none(), required=False)

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = Org.objects.subtree(case.org).filter(kind=OrgKind.GROUP,
                                                                             depth=case.org.depth + 1)


REVIEW_METHODS = ("同本人谈话", "查阅有关档案材料", "找有关单位和人员了解情况", "函调或外调", "查询违法犯罪记录")


class ReviewForm(forms.Form):
    concluded_on = forms.DateField(label="结论日期", initial=timezone.localdate)
    methods = forms.MultipleChoiceField(label="审查方法", choices=[(m, m) for m in REVIEW_METHODS],
                                        widget=forms.CheckboxSelectMultiple)
    findings = forms.CharField(label="审查情况", widget=forms.Textarea(attrs={"rows": 4}),
                               help_text="政治理论学习、对党的认识、政治历史和重大政治斗争中的表现、遵纪守法和遵守社会公德、直系亲属和主要社会关系的政治情况")
    conclusion = forms.ChoiceField(label="审查结论", choices=Review.Conclusion.choices, widget=forms.RadioSelect,
                                   help_text="政治审查不合格的，不能发展入党，本记录随即终止（细则第十六条）")
    responsible = forms.CharField(label="审查人", max_length=100, required=False)
    documents = forms.CharField(label="形成的材料", max_length=300, required=False, initial="政治审查综合材料")

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["methods"] = "、".join(data["methods"])
        return data


class PreReviewForm(forms.Form):
    received_on = forms.DateField(label="收到报送材料日期")
    reviewed_on = forms.DateField(label="预审日期", initial=timezone.localdate)
    result = forms.ChoiceField(label="预审结果", choices=PreReview.Result.choices, widget=forms.RadioSelect,
                               help_text="预审合格后方可发放入党志愿书（细则第十九条）")
    opinion = forms.CharField(label="书面预审意见", widget=forms.Textarea(attrs={"rows": 3}))
    responsible = forms.CharField(label="经办人", max_length=100, required=False)
    documents = forms.CharField(label="形成的材料", max_length=300, required=False, initial="预审意见")


class VoteForm(forms.Form):
    """The tally only: the form has no place for anyone's own vote (secret ballot)."""

    held_on = forms.DateField(label="支部党员大会日期", initial=timezone.localdate)
    entitled = forms.IntegerField(label="应到会有表决权的正式党员", min_value=1, max_value=100000, widget=NUMBER,
                                  help_text="按党员名册：本支部正式党员，不含预备党员和受留党察看处分的党员（党章第四十条）")
    excluded = forms.IntegerField(label="经上级党组织同意不计入应到会人数的党员", min_value=0, max_value=100000,
                                  initial=0, widget=NUMBER, required=False,
                                  help_text="如长期外出、患病卧床等确实无法参加的；没有则填0")
    exclusion_approval = forms.CharField(label="上级党组织同意的情况", max_length=200, required=False,
                                         help_text="同意的党组织、日期和文号")
    present = forms.IntegerField(label="实到会有表决权的正式党员", min_value=0, max_value=100000, widget=NUMBER,
                                 help_text="须超过应到会人数的半数")
    written_opinions = forms.IntegerField(label="因故未到会党员的书面意见", min_value=0, max_value=100000, initial=0,
                                          widget=NUMBER)
    ballots_issued = forms.IntegerField(label="发出选票", min_value=0, max_value=100000, widget=NUMBER)
    ballots_returned = forms.IntegerField(label="收回选票", min_value=0, max_value=100000, widget=NUMBER)
    yes = forms.IntegerField(label="赞成", min_value=0, max_value=100000, widget=NUMBER,
                             help_text="含书面意见；须超过应到会有表决权正式党员的半数（细则第二十、二十一条）")
    no = forms.IntegerField(label="反对", min_value=0, max_value=100000, widget=NUMBER)
    abstain = forms.IntegerField(label="弃权", min_value=0, max_value=100000, widget=NUMBER)
    result = forms.ChoiceField(label="大会决议", choices=[("passed", "通过"), ("failed", "未通过"),
                                                             ("invalid", "表决无效（到会人数未过半数，须重新表决）")],
                               widget=forms.RadioSelect)
    responsible = forms.CharField(label="主持人、记录人", max_length=100, required=False)
    documents = forms.CharField(label="形成的材料", max_length=300, required=False, initial="支部党员大会记录、决议")
    note = forms.CharField(label="说明", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, roster: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if roster is not None:
            self.fields["entitled"].help_text = (f"按党员名册，今天本支部有表决权的正式党员{roster}名（不含预备党员和受留党察看"
                                                 "处分的党员，党章第四十条）；按大会当天的名册核对")

    def clean_excluded(self):
        return self.cleaned_data["excluded"] or 0


def step_form_class(number: int):
    form = rules.STEP[number].form
    if form == "review":
        return ReviewForm
    if form == "prereview":
        return PreReviewForm
    if form == "vote":
        return VoteForm
    return {5: PeopleStepForm, 9: PeopleStepForm, 11: TrainingStepForm, 12: BranchReviewStepForm,
            19: PlacementStepForm}.get(number, StepForm)


class NoticeForm(forms.Form):
    kind = forms.TypedChoiceField(label="公示事项", choices=Notice.Kind.choices, coerce=int)
    starts_on = forms.DateField(label="公示开始", initial=timezone.localdate)
    ends_on = forms.DateField(label="公示结束",
                        help_text="不少于5个工作日（按节假日安排计算；本地规定可另设）")


class ObjectionForm(forms.Form):
    received_on = forms.DateField(label="收到日期", initial=timezone.localdate)
    text = forms.CharField(label="反映的问题", widget=forms.Textarea(attrs={"rows": 3}))


class ResolveForm(forms.Form):
    resolved_on = forms.DateField(label="办结日期", initial=timezone.localdate)
    resolution = forms.CharField(label="核查处理结果", widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    assembly_on = forms.DateField(label="支部党员大会讨论日期", help_text="预备期满时由支部党员大会讨论（细则第三十二条）")
    decided_on = forms.DateField(label="上级党委批准日期", initial=timezone.localdate)
    months = forms.TypedChoiceField(label="延长时间", coerce=int,
                                    choices=[(m, f"{m}个月") for m in range(6, 13)],
                                    help_text="只能延长一次，不少于半年，最长不超过一年（党章第七条）")
    note = forms.CharField(label="原因", max_length=100, required=False)


class EndForm(forms.Form):
    """Cancellation of a probationary membership, or closing a case before admission."""

    assembly_on = forms.DateField(label="支部党员大会讨论日期", required=False,
                                  help_text="取消预备党员资格须经支部党员大会讨论、上级党委批准（细则第三十二条）")
    day = forms.DateField(label="日期", initial=timezone.localdate)
    reason = forms.CharField(label="原因", max_length=200)
    confirm = forms.BooleanField(label="我已核对，确认办理（不可撤销）")

    def __init__(self, *args, cancel: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if cancel:
            self.fields["assembly_on"].required = True
            self.fields["day"].label = "上级党委批准日期"
        else:
            del self.fields["assembly_on"]


class PlanForm(forms.Form):
    org = forms.ModelChoiceField(label="党委（党工委）", queryset=Org.objects.none())
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year + 1)
    total = forms.IntegerField(label="计划发展总数", min_value=0, max_value=1000000, widget=NUMBER)
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = (Org.objects.granting(user, "recruitment.change")
                                       .filter(kind__in=selectors.COMMITTEE_KINDS).order_by("path"))
        for category in EARMARKED:
            self.fields[f"quota_{category.value}"] = forms.IntegerField(
                label=f"单列：{category.label}", min_value=0, max_value=1000000, required=False, widget=NUMBER)

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"org": data["org"], "year": data["year"], "total": data["total"], "note": data.get("note", ""),
                "quotas": {c.value: data.get(f"quota_{c.value}") or 0 for c in EARMARKED}}
