"""Synthetic minutes from a small template grammar, for the demo data and the benchmark: varied
sentences about the things branches meet about, with names, dates and figures in them, and
near-copies of a text (sentences reordered, names, dates and figures changed, a sentence swapped)."""

import random
import re
from datetime import date

OPENINGS = (
    "{date}{time}，{org}在{place}召开{kind}，{host}主持会议，应到党员{n}名，实到{m}名，{absent}。",
    "{date}，{org}组织党员在{place}开展{kind}，参加党员{m}名，{host}主持，{recorder}记录。",
    "本次{kind}于{date}在{place}举行，由{host}同志主持，{org}全体党员{m}人参加，{absent}。",
)
BODY = (
    "会议{study}了{doc}，{name}领学了{section}，大家边学边议。",
    "与会党员围绕{issue}展开讨论，{name}提出{proposal}。",
    "{name}汇报了{work}的进展，{evaluation}。",
    "大家一致认为，要{goal}，{goal2}。",
    "会议通报了{month}党费收缴情况，{dues}。",
    "支部书记{host}强调，{emphasis}。",
    "会议还研究了{agenda}，{resolution}。",
    "{name}结合{experience}谈了体会，认为{reflection}。",
    "针对{problem}，会议提出{measure}，由{name}负责跟进。",
    "{name}介绍了{visit}的情况，{visit_result}。",
    "与会同志对{target}提出了{count}条意见建议，{follow}。",
    "会议听取了{name}关于{report}的说明，{vote}。",
    "随后，党员们{action}，{action_result}。",
    "{name}建议{suggestion}，得到大家赞同。",
)
CLOSINGS = (
    "会议决定{decision}，{deadline}前完成。",
    "最后，{host}对下阶段工作作了部署，要求{requirement}。",
    "会议在{ending}中结束。",
)
SLOTS = {
    "time": ("上午9时", "下午2时半", "晚上7时", "上午10时", "下午3时"),
    "place": ("党员活动室", "社区会议室", "村委会议室", "车间会议室", "党群服务中心", "图书馆报告厅", "线上会议室",
              "红色教育基地", "项目部会议室"),
    "absent": ("无人缺席", "{name}因病请假", "{name}外出学习请假", "{name}因工作原因缺席", "两名党员请假"),
    "study": ("集中学习", "传达学习", "专题学习", "深入学习", "逐段学习"),
    "doc": ("党的二十大报告有关章节", "《中国共产党章程》总纲", "《中国共产党支部工作条例（试行）》",
            "上级关于基层治理的通知", "习近平总书记在地方考察时的讲话", "《中国共产党纪律处分条例》",
            "市委全会精神", "区委关于作风建设的意见", "关于加强新时代党员教育管理的意见", "安全生产专项整治方案"),
    "section": ("第一部分", "关于党的建设的论述", "第三章党员的权利和义务", "关于组织生活的规定", "重点段落",
                "关于为民服务的要求"),
    "issue": ("老旧小区加装电梯", "垃圾分类入户宣传", "独居老人关爱服务", "停车难问题", "疫情后复工复产",
              "村集体经济增收", "夜市占道经营", "青少年暑期托管", "安全生产隐患排查", "雨季防汛准备",
              "楼道杂物清理", "物业服务质量", "科研项目攻关", "生产线技术改造", "优化营商环境"),
    "proposal": ("成立楼栋党员志愿服务队", "每月开展一次入户走访", "建立问题台账逐项销号", "请物业公司列席下次会议",
                 "与共建单位联合开展活动", "设立党员先锋岗", "在公众号开设专栏", "组织党员结对帮扶困难户",
                 "邀请专家来社区讲座", "增加周末值班人手"),
    "work": ("上季度志愿服务", "结对帮扶", "党员先锋岗", "主题教育整改", "社区网格化管理", "支部标准化建设",
             "承诺践诺", "发展党员"),
    "evaluation": ("总体进展顺利", "完成了年初计划的大部分任务", "个别事项仍需加快", "群众反映较好",
                   "还存在宣传不到位的问题", "下一步需要细化分工"),
    "goal": ("把学习成果转化为推动工作的实际成效", "发挥党员先锋模范作用", "把群众的急难愁盼放在心上",
             "坚持问题导向", "严格落实三会一课制度", "带头遵守各项纪律规定", "增强支部的凝聚力"),
    "goal2": ("切实为群众办实事解难题", "做到学思用贯通", "确保各项任务落到实处", "以实际行动践行初心使命",
              "推动支部建设上台阶", "在急难险重任务中冲在前面"),
    "month": ("一月份", "二月份", "三月份", "四月份", "五月份", "六月份", "上半年", "第三季度"),
    "dues": ("全体党员均已按时足额缴纳", "尚有两名流动党员未缴，已电话联系", "按规定标准核定并收缴",
             "离退休党员由专人上门收取"),
    "emphasis": ("要把纪律和规矩挺在前面", "要增强政治意识和大局意识", "要扎实做好各项基础工作",
                 "要带头参加组织生活", "要主动亮身份、作表率", "要严格执行请销假制度"),
    "agenda": ("年度发展党员计划", "七一表彰推荐名单", "下季度主题党日安排", "困难党员慰问方案", "党费使用计划",
               "支部换届筹备工作", "志愿服务积分办法"),
    "resolution": ("原则通过", "同意上报上级党组织", "修改完善后再议", "一致同意", "按程序组织实施"),
    "experience": ("本职工作", "参加志愿服务的经历", "下沉社区的见闻", "驻村帮扶工作", "一线生产实践",
                   "带教新员工的经历"),
    "reflection": ("理论学习必须联系实际", "服务群众要有耐心", "基层工作关键在落实", "要不断提高业务能力",
                   "党员身份就是一种责任"),
    "problem": ("部分党员参加活动不积极", "学习形式比较单一", "台账记录不规范", "志愿服务覆盖面不广",
                "流动党员联系不及时"),
    "measure": ("建立积分管理制度", "采用线上线下结合的方式", "每月检查一次台账", "扩大志愿者队伍",
                "建立流动党员微信群"),
    "visit": ("走访困难党员", "到共建单位交流", "参观红色教育基地", "入户宣传政策", "开展安全检查"),
    "visit_result": ("收集意见建议若干条", "解决了一批实际问题", "受到教育和启发", "群众满意度较高"),
    "target": ("支部班子", "支部工作", "党员队伍建设", "年度工作计划"),
    "count": ("三", "五", "六", "八", "十"),
    "follow": ("支部将逐条研究整改", "已列入整改清单", "会后将反馈落实情况"),
    "report": ("入党积极分子培养", "预备党员转正", "党费使用", "年度述职", "评议结果"),
    "vote": ("经表决一致通过", "与会党员无异议", "同意提交党员大会讨论"),
    "action": ("重温入党誓词", "观看专题教育片", "到社区开展义务清扫", "为老人义诊", "开展植树活动",
               "集体观看纪录片", "参加无偿献血"),
    "action_result": ("进一步坚定了理想信念", "受到群众好评", "增强了党员意识", "活动取得良好效果"),
    "suggestion": ("下次主题党日到养老院开展服务", "把学习笔记在群里分享", "建立党员联系户制度",
                   "邀请离退休老党员讲传统", "组织青年党员开展读书会"),
    "decision": ("成立专项工作小组", "开展一次专题调研", "组织一次集中志愿服务", "在下月召开党员大会",
                 "向上级党组织报送材料", "完善支部工作制度"),
    "deadline": ("本月底", "下周五", "季度末", "七一", "年底"),
    "requirement": ("全体党员认真抓好落实", "各党小组按时报送情况", "党员带头参加志愿服务",
                    "按时完成学习任务", "加强与群众的联系"),
    "ending": ("热烈的气氛", "庄严的国际歌声", "大家的掌声", "重温入党誓词"),
}
_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日")
_COUNT = re.compile(r"\d+([名人条])")
KIND_NAMES = ("主题党日活动", "支部党员大会", "支委会", "党小组会", "党课", "组织生活会")


def _fill(template: str, rng: random.Random, context: dict) -> str:
    """Fill the template's slots; a slot's value may hold slots itself (``{name}``)."""
    values = {key: rng.choice(options) for key, options in SLOTS.items()}
    values.update(context)
    values["name"] = rng.choice(context["names"])
    text = template.format(**values)
    return text.format(**values) if "{" in text else text


def minutes(rng: random.Random, *, org: str, names: list[str], held_on: date, kind: str = "") -> str:
    """A record of 6–10 sentences: an opening, a varied body, a closing."""
    context = {"org": org, "names": names, "host": names[0], "recorder": names[-1],
               "date": f"{held_on.year}年{held_on.month}月{held_on.day}日", "kind": kind or rng.choice(KIND_NAMES),
               "n": rng.randint(8, 48), "m": rng.randint(6, 40)}
    sentences = [_fill(rng.choice(OPENINGS), rng, context)]
    sentences += [_fill(t, rng, context) for t in rng.sample(BODY, rng.randint(4, 8))]
    sentences.append(_fill(rng.choice(CLOSINGS), rng, context))
    return "".join(sentences)


def near_copy(rng: random.Random, text: str, *, names: list[str], new_names: list[str], org: str, new_org: str,
              held_on: date) -> str:
    """What a copier does: change the names, the org, the dates and figures, shuffle the middle
    sentences, and perhaps replace one of them."""
    for old, new in zip(names, new_names, strict=False):
        text = text.replace(old, new)
    text = text.replace(org, new_org)
    sentences = [s + "。" for s in text.split("。") if s]
    middle = sentences[1:-1]
    rng.shuffle(middle)
    if middle and rng.random() < 0.5:
        middle[rng.randrange(len(middle))] = _fill(rng.choice(BODY), rng, {
            "org": new_org, "names": new_names, "host": new_names[0], "recorder": new_names[-1]})
    copy = "".join([sentences[0], *middle, *sentences[-1:]]) if len(sentences) > 1 else text
    copy = _DATE.sub(f"{held_on.year}年{held_on.month}月{held_on.day}日", copy)
    return _COUNT.sub(lambda m: f"{rng.randint(5, 48)}{m.group(1)}", copy)
