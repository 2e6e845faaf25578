"""What the audit trail's codes mean, in Chinese, for the audit administrator's page and export.

Every action a service records (``core.audit.record``) has its label here; core/tests/test_audit_labels.py
finds the recorded codes in the code base and fails on one without a label. The entry itself keeps
the code: labels may be reworded, the hash chain may not."""

import json

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist

ACTION_LABELS = {
    # accounts and login
    "login.success": "登录成功",
    "login.failed": "登录失败",
    "login.locked": "登录被锁定",
    "login.password_ok": "密码验证通过（待动态口令）",
    "login.totp_failed": "动态口令错误",
    "logout": "退出登录",
    "logout.idle": "超时自动退出",
    "password.change": "修改密码",
    "totp.enable": "启用动态口令",
    "totp.disable": "关闭动态口令",
    "token.issue": "签发接口令牌",
    "token.revoke": "注销接口令牌",
    "user.create": "创建账号",
    "user.activate": "启用或停用账号",
    "user.reset_password": "重置密码",
    "grant.add": "授予角色",
    "grant.remove": "撤销角色",
    "denied": "越权访问被拒绝",
    # platform
    "export": "导出数据",
    "calendar.set": "录入节假日",
    "calendar.delete": "删除节假日",
    "audit.purge": "清理过期审计记录",
    "audit.guard": "重新安装审计触发器",
    "summaries.rebuild": "按业务记录更正汇总表",
    "backup.create": "备份数据库和上传文件",
    "backup.prune": "按保留规则删除旧备份",
    "backup.restore": "从备份恢复",
    "demo.load": "载入演示数据",
    "bench.load": "基准测试：生成数据",
    "bench.drop": "基准测试：清除数据",
    "bench.import": "基准测试：花名册导入",
    "bench.orglife": "基准测试：组织生活",
    # orgs
    "org.create": "新建党组织",
    "org.update": "修改党组织",
    "org.move": "调整隶属关系",
    "org.term_create": "登记换届（领导班子）",
    "org.setting_set": "修改本地设置",
    # members
    "member.create": "建立党员档案",
    "member.update": "修改党员档案",
    "member.lookup": "按身份证号查找党员",
    "member.unmask": "查看完整证件号码",
    "member.transfer": "组织关系转入",
    "member.transfer_out": "组织关系转出平台",
    "member.transfer_return": "组织关系退回",
    "member.document_upload": "上传档案材料",
    "member.document_download": "下载档案材料",
    "member.document_delete": "删除档案材料",
    "member.correction_request": "提出档案更正申请",
    "member.correction_approved": "采纳档案更正申请",
    "member.correction_declined": "不采纳档案更正申请",
    "member.import.upload": "上传花名册",
    "member.import.preview": "花名册校验完成",
    "member.import": "导入花名册",
    "member.import.discard": "放弃导入花名册",
    "member.import.interrupted": "花名册导入中断（任务进程退出）",
    "member.import.report": "下载导入错误报告",
    # transfers
    "transfer.issue": "开具组织关系介绍信",
    "transfer.receive_external": "接收平台外介绍信",
    "transfer.accept": "接收组织关系",
    "transfer.return": "退回介绍信",
    "transfer.cancel": "撤销介绍信",
    "transfer.complete": "登记回执（转出平台）",
    "transfer.expire": "介绍信过期",
    "transfer.certificate_issue": "发放流动党员活动证",
    "transfer.certificate_renew": "换发流动党员活动证",
    "transfer.certificate_close": "收回流动党员活动证",
    # care
    "care.visit_record": "登记走访慰问",
    "care.visit_update": "修改走访记录",
    "care.visit_delete": "删除走访记录",
    "dues.year_set": "核定年度党费",
    "regional.building_create": "登记商务楼宇",
    "regional.unit_add": "登记楼宇单位",
    "regional.instructor_assign": "派驻党建指导员",
    "regional.org_serve": "服务不转隶",
    "regional.village_mark": "确定困难村",
    "regional.first_secretary": "选派第一书记",
    "regional.pairing_add": "结对帮扶",
    "regional.task_add": "制定帮扶任务",
    "regional.report_add": "报告帮扶进展",
    "regional.assess": "困难村年度考核",
    "regional.seat_add": "增补兼职委员",
    "regional.meeting_record": "记录联席会议",
    "regional.item_add": "登记共驻共建清单",
    "regional.project_complete": "共建项目办结",
    "dues.year_confirm": "确认年度党费",
    "dues.year_adjust": "减免党费",
    "dues.standing_open": "设定期初党费交至",
    "dues.payment_record": "登记党费缴纳",
    "dues.remittance_record": "登记党费上缴",
    "dues.year_carry": "新年度党费结转",
    "dues.payment_void": "撤销党费缴纳",
    "learning.channel_create": "新建学习栏目",
    "learning.course_create": "发布课程",
    "learning.course_publish": "发布或撤回课程",
    "learning.item_add": "添加学习内容",
    "learning.offline_hours_record": "录入线下学时",
    "community.checkin_request": "申请到社区报到",
    "community.checkin_decide": "确认社区报到",
    "community.checkin_assign": "安排报到党员加入服务队",
    "community.checkin_end": "结束社区报到",
    "community.team_create": "新建社区服务队",
    "community.record_add": "记录报到党员服务",
    "community.rating_record": "评价报到党员",
    "orders.item_save": "保存社区服务项目",
    "orders.order_place": "群众点单",
    "orders.order_dispatch": "社区派单",
    "orders.order_reject": "点单不予受理",
    "orders.order_accept": "党员接单",
    "orders.order_decline": "党员退回点单",
    "orders.order_complete": "点单办结",
    "orders.order_cancel": "群众撤销点单",
    "orders.order_rate": "群众评价点单",
    "orders.phone_reveal": "查看点单群众完整电话",
    "orders.purge": "清除到期点单的群众个人信息",
    "oversight.plan_save": "保存分领域指导方案",
    "oversight.team_form": "组建督导组",
    "oversight.visit_record": "记录督导检查",
    "oversight.inspection_start": "开始巡查",
    "oversight.item_add": "记录巡查发现的问题",
    "oversight.evidence_submit": "提交整改材料",
    "oversight.evidence_return": "退回整改材料",
    "oversight.evidence_accept": "整改验收销号",
    "oversight.item_escalate": "超期整改提级督办",
    "oversight.bulletin_generate": "生成季度通报",
    "oversight.bulletin_edit": "修改季度通报文字",
    "oversight.bulletin_publish": "印发季度通报",
    "lagging.case_open": "列为后进党组织",
    "lagging.plan_save": "批准后进党组织整顿方案",
    "lagging.task_add": "添加整顿任务",
    "lagging.task_done": "整顿任务标记完成",
    "lagging.case_close": "后进党组织整顿验收销号",
    "fivegood.standard_save": "保存五好党支部创建标准",
    "fivegood.standard_issue": "印发五好党支部创建标准",
    "fivegood.standard_new_version": "制定五好党支部创建标准新版本",
    "fivegood.assessment_start": "开始五好党支部自评",
    "fivegood.assessment_self_score": "保存五好党支部自评",
    "fivegood.assessment_submit": "提交五好党支部自评",
    "fivegood.assessment_return": "退回五好党支部自评",
    "fivegood.assessment_assess": "五好党支部上级考评",
    "fivegood.assessment_reopen": "五好党支部重新考评",
    "fivegood.exemplar_select": "遴选先进典型",
    "fivegood.exemplar_publish": "宣传先进典型",
    "soe.task_save": "保存国企党建工作任务分工",
    "soe.report_save": "报送国企党建任务季度进展",
    "reviews.round_save": "保存述职评议",
    "reviews.subject_secretary": "确定述职人",
    "reviews.group_save": "保存评议组",
    "reviews.group_delete": "删除评议组",
    "reviews.subject_report": "提交述职报告",
    "reviews.round_open": "开始述职评议",
    "reviews.rating_submit": "述职评议打分",
    "reviews.round_close": "计算述职评议结果",
    "reviews.subject_feedback": "反馈述职评议意见",
    "reviews.followup_done": "填报整改落实情况",
    "exams.question_create": "录入试题",
    "exams.exam_create": "组织考试",
    "exams.attempt_start": "开始答题",
    "exams.attempt_submit": "交卷",
    "training.group_study_record": "记录集中学习",
    "training.group_study_delete": "删除集中学习记录",
    "training.class_create": "举办培训班",
    "training.enrol": "培训班报名",
    "training.session_record": "记录培训课次",
    "training.class_close": "培训班结业",
    "pledges.pledge_create": "作出承诺",
    "pledges.pledge_update": "修改承诺",
    "pledges.pledge_review": "审核承诺",
    "pledges.record_add": "记录践诺",
    "pledges.record_review": "审核践诺记录",
    "pledges.post_create": "设立党员岗位",
    "pledges.post_end": "党员岗位撤牌",
    # recruitment
    "recruitment.create": "登记入党申请",
    "recruitment.step": "登记发展步骤",
    "recruitment.review": "登记政治审查",
    "recruitment.prereview": "登记上级党委预审",
    "recruitment.vote": "登记支部党员大会表决",
    "recruitment.notice": "发布公示",
    "recruitment.objection": "登记公示期间反映的问题",
    "recruitment.objection_resolve": "办结反映的问题",
    "recruitment.extend": "延长预备期",
    "recruitment.cancel": "取消预备党员资格",
    "recruitment.close": "终止发展",
    "recruitment.plan": "保存年度发展计划",
    # organizational life
    "orglife.meeting_create": "录入会议记录",
    "orglife.meeting_update": "修改会议记录",
    "orglife.meeting_resubmit": "提交会议记录审核",
    "orglife.review_approve": "审核通过会议记录",
    "orglife.review_return": "退回会议记录",
    "orglife.attendance_record": "登记出席情况",
    "orglife.sign_in": "扫码签到",
    "orglife.attachment_upload": "上传会议附件",
    "orglife.attachment_download": "下载会议附件",
    "orglife.topic_propose": "提出党课点题",
    "orglife.topic_vote": "为党课点题投票",
    "orglife.lecture_schedule": "安排点题党课",
    # portal
    "portal.channel_create": "新建栏目",
    "portal.grant": "授予栏目角色",
    "portal.grant_remove": "撤销栏目角色",
    "portal.article_create": "新建稿件",
    "portal.article_update": "修改稿件",
    "portal.article_submit": "稿件送审",
    "portal.article_publish": "发布稿件",
    "portal.article_return": "退回稿件",
    "portal.article_unpublish": "撤下稿件",
    "portal.article_import": "导入文章",
    "portal.image_add": "上传稿件图片",
    "portal.notice_publish": "发布公示通知",
    "portal.comment_post": "发表评论",
    "portal.comment_approve": "评论审核通过",
    "portal.comment_reject": "评论未通过审核",
}

# The archive's records: member.<kind>_add / _update / _delete (members.services.RECORD_MODELS).
RECORD_KINDS = {"position": "任职经历", "reward": "奖惩情况", "family": "家庭成员", "travel": "出国出境",
                "hardship": "困难情况", "appraisal": "民主评议", "observation": "留党察看"}
for _kind, _label in RECORD_KINDS.items():
    ACTION_LABELS[f"member.{_kind}_add"] = f"新增{_label}"
    ACTION_LABELS[f"member.{_kind}_update"] = f"修改{_label}"
    ACTION_LABELS[f"member.{_kind}_delete"] = f"删除{_label}"

# Keys of ``changes`` that are not a field of the entry's object.
CHANGE_KEYS = {
    "before": "变更前", "after": "变更后", "rows": "行数", "filters": "筛选条件", "format": "格式",
    "status": "状态", "state": "状态", "reason": "原因", "number": "步骤", "label": "步骤名称",
    "unmasked": "含完整号码", "role": "角色", "org": "党组织", "user": "用户", "channel": "栏目",
    "field": "项目", "sha256": "文件摘要", "file": "文件", "article": "文章", "months": "延长月数",
    "count": "数量", "ip": "来源IP", "kind": "类别", "title": "标题",
}


def action_label(code: str) -> str:
    return ACTION_LABELS.get(code, code)


def object_label(entry) -> str:
    """"党员 张秀英" for ``members.member#12 张秀英``: the model's name, then what the entry recorded."""
    model = _model(entry.object_type)
    kind = str(model._meta.verbose_name) if model is not None else entry.object_type
    return " ".join(part for part in (kind, entry.object_repr or (f"#{entry.object_id}" if entry.object_id else ""))
                    if part)


def describe_changes(entry) -> str:
    """``changes`` as "field: before → after" in the object's own field names and choice labels."""
    if not entry.changes:
        return ""
    if not isinstance(entry.changes, dict):
        return _value(entry.changes)
    model = _model(entry.object_type)
    return "；".join(f"{_key(model, key)}：{_value(value, model, key)}" for key, value in entry.changes.items())


def _model(object_type: str):
    try:
        return apps.get_model(object_type) if "." in object_type else None
    except (LookupError, ValueError):
        return None


def _field(model, key: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(key)
    except FieldDoesNotExist:
        return None


def _key(model, key: str) -> str:
    field = _field(model, key)
    return str(field.verbose_name) if field is not None and hasattr(field, "verbose_name") \
        else CHANGE_KEYS.get(key, key)


def _value(value, model=None, key: str = "") -> str:
    field = _field(model, key)
    choices = dict(field.flatchoices) if field is not None and getattr(field, "choices", None) else {}
    if isinstance(value, list) and len(value) == 2 and not any(isinstance(v, dict | list) for v in value):
        return f"{_scalar(value[0], choices)} → {_scalar(value[1], choices)}"
    if isinstance(value, dict):
        return "，".join(f"{_key(model, k)} {_value(v, model, k)}" for k, v in value.items())
    if isinstance(value, list):
        return "、".join(_value(v, model) for v in value)
    return _scalar(value, choices)


def _scalar(value, choices=None) -> str:
    if value is None or value == "":
        return "（空）"
    if value is True:
        return "是"
    if value is False:
        return "否"
    if choices and value in choices:
        return str(choices[value])
    if isinstance(value, str | int | float):
        return str(value)
    return json.dumps(value, ensure_ascii=False)
