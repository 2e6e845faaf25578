"""Demo 述职评议, through the services (a few hundred rows): the city's round of the year over its
sixteen districts — reviewer groups 市委常委 50%, 党代表 30%, 基层代表 20%, every rating in, closed
with results, feedback and follow-ups, some of them done; 和平区's round over its streets, open,
with the demo secretary and member among its reviewers; and the demo branch's community's round
over its branches, closed, whose secretaries' archives (记实) carry their results. Needs the demo
accounts (city_admin, heping_admin, hexi_admin, secretary, member); without them it writes nothing."""

import random
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from orgs.models import Org
from reviews import services
from reviews.models import ReportRound, RoundState

GRADES = (["good"] * 5 + ["fair"] * 4 + ["average"] * 2 + ["poor"])
FEEDBACK = ["暗访发现部分社区党群服务中心开放时间不落实，党员活动阵地挪作他用，问题根子在责任传导不到位。",
            "述职“不谈成绩、直奔问题”，问题查摆较深，但整改措施不够具体，缺少时间表。",
            "发展党员材料不规范、组织生活流于形式的问题在巡查中反复出现，须举一反三、建章立制。"]
FOLLOWUPS = ["对暗访发现的问题逐项建立整改台账", "规范党群服务中心开放和阵地使用", "开展发展党员材料专项检查",
             "组织生活会查摆问题具体到人", "落实党建指导员到岗履职"]
ACCOUNTS = ("city_admin", "heping_admin", "hexi_admin", "secretary", "member")
DEMO_BRANCH = "HP01C01B01"  # the demo secretary's branch (members/demo.py)


def _rate_all(rng: random.Random, round: ReportRound, users: dict[str, User]) -> int:
    done = 0
    for subject in round.subjects.select_related("secretary"):
        for reviewer in round.groups.prefetch_related("reviewers__user").all():
            for entry in reviewer.reviewers.all():
                if subject.secretary and subject.secretary.user_id == entry.user_id:
                    continue  # nobody rates their own report
                services.rating_submit(actor=entry.user, subject=subject, grade=rng.choice(GRADES))
                done += 1
    return done


def _groups(round: ReportRound, admin: User, groups) -> None:
    for name, weight, reviewers in groups:
        services.group_save(actor=admin, round=round, name=name, weight=weight, reviewers=reviewers)


def _feedback(rng: random.Random, round: ReportRound, admin: User, users: dict[str, User]) -> int:
    today, count = timezone.localdate(), 0
    for subject in round.subjects.select_related("org"):
        steps = [(text, today + timedelta(days=rng.choice([30, 60, 90])))
                 for text in rng.sample(FOLLOWUPS, rng.randint(1, 2))]
        services.subject_feedback(actor=admin, subject=subject, feedback=rng.choice(FEEDBACK), followups=steps)
        for followup in subject.followups.select_related("org"):
            count += 1
            if rng.random() < 0.4:
                doer = {"HP": users["heping_admin"], "HX": users["hexi_admin"]}.get(followup.org.code, admin)
                services.followup_done(actor=doer, followup=followup, note="已制定整改方案并落实，材料已归档")
    return count


def load(rng: random.Random) -> dict[str, int]:
    """Returns the counts of what it wrote."""
    users = {u.username: u for u in User.objects.filter(username__in=ACCOUNTS)}
    city = Org.objects.filter(depth=1).order_by("path").first()
    if len(users) < len(ACCOUNTS) or city is None:
        return {"rounds": 0}
    today, year = timezone.localdate(), timezone.localdate().year
    admin = users["city_admin"]
    made = {"rounds": 0, "ratings": 0, "followups": 0}

    # The city: its districts' secretaries report; the 组织部 played the 暗访 footage first.
    districts = list(Org.objects.filter(depth=2, path__startswith=city.path).order_by("path"))
    round = services.round_save(actor=admin, org=city, year=year, title=f"{year}年度区委书记抓基层党建工作述职评议",
                                subjects=districts, meeting_day=today - timedelta(days=7))
    _groups(round, admin, [("市委常委", 50, ["city_admin"]), ("党代表", 30, ["heping_admin", "hexi_admin"]),
                           ("基层代表", 20, ["secretary", "member"])])
    for subject in round.subjects.all()[:3]:
        services.subject_report(actor=admin, subject=subject, report=(
            "一、存在的主要问题：暗访发现党群服务中心开放不规范、部分支部组织生活流于形式。\n"
            "二、原因分析：抓基层党建责任压得不实，督促检查不够。\n三、整改措施：建立问题台账，逐项销号。"))
    services.round_open(actor=admin, round=round)
    made["ratings"] += _rate_all(rng, round, users)
    services.round_close(actor=admin, round=round)
    made["followups"] += _feedback(rng, round, admin, users)
    made["rounds"] += 1

    # 和平区: its streets report; rating under way (the demo secretary and member have subjects to rate).
    heping = Org.objects.filter(code="HP").first()
    if heping is not None:
        streets = list(Org.objects.filter(depth=heping.depth + 1, path__startswith=heping.path).order_by("path"))
        if streets:
            district = services.round_save(actor=users["heping_admin"], org=heping, year=year,
                                           title=f"{year}年度和平区街道党工委书记述职评议", subjects=streets,
                                           meeting_day=today + timedelta(days=10))
            _groups(district, users["heping_admin"], [("区委常委", 60, ["heping_admin"]),
                                                      ("基层代表", 40, ["secretary", "member"])])
            services.round_open(actor=users["heping_admin"], round=district)
            first = district.subjects.order_by("org__path").first()
            services.rating_submit(actor=users["heping_admin"], subject=first, grade="fair")
            made["rounds"] += 1

    # The demo branch's community: its branches' secretaries (members, with archives) report.
    branch = Org.objects.filter(code=DEMO_BRANCH).first()
    if branch is not None and branch.depth > 1:
        community = Org.objects.get(path=branch.path[:-Org.steplen])
        branches = list(Org.objects.filter(depth=community.depth + 1, path__startswith=community.path)
                        .exclude(kind="group").order_by("path"))
        local = services.round_save(actor=users["heping_admin"], org=community, year=year,
                                    title=f"{year}年度{community.name}支部书记述职评议", subjects=branches,
                                    meeting_day=today - timedelta(days=3))
        _groups(local, users["heping_admin"], [("上级党组织", 60, ["heping_admin"]),
                                               ("党员代表", 40, ["secretary", "member"])])
        services.round_open(actor=users["heping_admin"], round=local)
        made["ratings"] += _rate_all(rng, local, users)
        services.round_close(actor=users["heping_admin"], round=local)
        made["rounds"] += 1
    assert ReportRound.objects.filter(state=RoundState.CLOSED).exists()
    return made
