"""The whole-process record sheet of a case (发展党员全程纪实表) as a Word document (python-docx).
The ID number is masked, as on every page; no phone number is printed. Text goes through
``core.text.printable``: a control character in an old row would make the XML unwritable."""

import io

from docx.enum.text import WD_ALIGN_PARAGRAPH

from core.docx import add_table, new_document
from core.text import printable
from recruitment import rules
from recruitment.models import Case, Stage


def _d(value) -> str:
    return f"{value:%Y-%m-%d}" if value else ""


def identity_rows(case: Case) -> list[list[str]]:
    return [
        ["姓名", case.name, "性别", case.get_gender_display(), "出生日期", _d(case.birth_date)],
        ["身份证号", case.id_number_masked, "学历", case.get_education_display(), "人员类别", case.get_category_display()],
        ["职业", case.occupation, "工作单位", case.work_unit, "党支部", case.org.name],
        ["申请日期", _d(case.applied), "接收日期", _d(case.admitted), "预备期至", _d(case.probation_ends)],
        ["状态", case.get_status_display(), "转正日期", _d(case.converted),
         "延长预备期", f"{case.extension_months}个月" if case.extension_months else "—"],
    ]


def step_rows(case: Case, hist: rules.History) -> list[list[str]]:
    people = {}
    for person in case.people.select_related("member"):
        people.setdefault(person.step_id, []).append(person.member.name)
    rows = [["阶段", "步骤", "日期", "责任人", "材料", "说明"]]
    for s in rules.STEPS:
        records = hist.steps.get(s.number, [])
        dates = "、".join(_d(r.done_on) for r in records)
        first = records[0] if records else None
        note = first.note if first else ""
        if first and first.pk in people:
            note = f"{'、'.join(people[first.pk])}{'；' + note if note else ''}"
        if first and s.number == 11:
            note = f"{first.training_days or 0}天 / {first.training_hours or 0}学时{'；' + note if note else ''}"
        rows.append([Stage(s.stage).label, f"{s.circled} {s.label}", dates, first.responsible if first else "",
                     first.documents if first else "", note])
    return rows


def record_sheet(case: Case, hist: rules.History) -> bytes:
    document = new_document()
    title = document.add_heading("发展党员全程纪实表", level=1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(printable(f"{case.org.name}　　　编号：{case.pk}"))
    add_table(document, identity_rows(case), bold_header=False)
    document.add_heading("发展程序（五个阶段二十五个步骤）", level=2)
    add_table(document, step_rows(case, hist))
    if hist.reviews:
        document.add_heading("政治审查", level=2)
        add_table(document, [["结论日期", "审查方法", "审查情况", "结论"]] + [
            [_d(r.concluded_on), r.methods, r.findings, r.get_conclusion_display()] for r in hist.reviews])
    if hist.prereviews:
        document.add_heading("上级党委预审", level=2)
        add_table(document, [["收到材料", "预审日期", "结果", "预审意见"]] + [
            [_d(p.received_on), _d(p.reviewed_on), p.get_result_display(), p.opinion] for p in hist.prereviews])
    if hist.votes:
        document.add_heading("支部党员大会表决（无记名投票，只记票数）", level=2)
        add_table(document, [["日期", "事项", "应到", "实到", "书面意见", "发出", "收回", "赞成", "反对", "弃权", "结果"]] + [
            [_d(v.held_on), v.get_purpose_display(), v.entitled, v.present, v.written_opinions, v.ballots_issued,
             v.ballots_returned, v.yes, v.no, v.abstain, v.result_label] for v in hist.votes])
    if hist.notices:
        document.add_heading("公示", level=2)
        objections = {}
        for o in case.objections.all():
            objections.setdefault(o.notice_id, []).append(
                f"{_d(o.received_on)} {o.text}；{o.resolution or '未办结'}")
        add_table(document, [["事项", "公示期", "工作日", "反映的问题及处理"]] + [
            [n.get_kind_display(), f"{_d(n.starts_on)} 至 {_d(n.ends_on)}", n.workdays,
             "\n".join(objections.get(n.pk, [])) or "无"] for n in hist.notices])
    if case.close_reason:
        document.add_paragraph(printable(f"终止或取消：{_d(case.closed)} {case.close_reason}"))
    document.add_paragraph("党支部书记（签字）：　　　　　　　　基层党委（盖章）：　　　　　　　　年　　月　　日")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
