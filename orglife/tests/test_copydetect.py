"""Copy detection (会议记录雷同检测): crafted near-copies — reordered sentences, changed names and
dates, an added sentence — are caught, from the same branch and from another; genuinely different
minutes on the same topic are not flagged."""

from datetime import timedelta

import pytest
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st

from orglife import copydetect, selectors, services
from orglife.models import CopyFlag, MeetingKind, MinutesBand, MinutesFingerprint
from orglife.tests.helpers import record

SOURCE = [
    "2024年3月15日上午9时，朝阳里社区第一党支部在党员活动室召开主题党日活动，支部书记李建国主持会议。",
    "应到党员12名，实到10名，张秀英因病请假。",
    "会议首先集中学习了党的二十大报告关于基层党组织建设的重要论述，李建国领读了原文。",
    "随后，与会党员围绕如何在老旧小区改造中发挥先锋模范作用展开讨论，张秀英提出成立楼栋党员志愿服务队。",
    "大家一致同意每月第二个周六开展义务清扫和入户走访，重点关注独居老人和困难家庭。",
    "会议还通报了三月份党费收缴情况，全体党员均已按时足额缴纳。",
    "最后，支部书记对下阶段工作作了部署，要求党员亮身份、作表率，把学习成果转化为服务群众的实际行动。",
]
COPY_NAMES = ["李建国", "张秀英"]

REORDERED = [SOURCE[i] for i in (3, 0, 5, 1, 6, 2, 4)]
RENAMED = [s.replace("李建国", "赵志强").replace("张秀英", "刘海燕").replace("朝阳里社区第一党支部", "友谊路社区党支部")
           .replace("2024年3月15日", "2024年6月21日").replace("12名", "15名").replace("10名", "13名")
           .replace("三月份", "六月份") for s in SOURCE]
COPY_NAMES_B = ["赵志强", "刘海燕"]

# The same topic, written by someone else: shared vocabulary, different sentences.
SAME_TOPIC = [
    "6月21日下午，友谊路社区党支部组织党员开展主题党日，学习二十大报告中关于基层治理的内容。",
    "赵志强同志结合自己参与老旧小区改造的经历，谈了党员如何带头协调居民矛盾。",
    "刘海燕同志建议把社区里的退休党员组织起来，轮流到社区食堂帮厨，为高龄老人送餐。",
    "讨论中有党员提出，加装电梯意见不一的楼门要先听取低层住户的顾虑，再由党员逐户做工作。",
    "支部决定下月邀请街道城管科同志来讲解违建整治政策，并在七一前评选一批服务之星。",
    "会后党员们一起清理了三号楼前的绿地垃圾。",
]


def fp(sentences, names):
    return copydetect.fingerprint("".join(sentences), names)


def similarity(a, names_a, b, names_b):
    return copydetect.jaccard(fp(a, names_a).shingles, fp(b, names_b).shingles)


# --- the pure functions ---------------------------------------------------------------------------


def test_normalising_removes_names_dates_digits_punctuation_and_width():
    text = "２０２４年３月１５日，李建国主持。应到12人，实到10人！二〇二四年三月 会议结束。"
    assert copydetect.normalize(text, ["李建国"]) == "DN主持应到D人实到D人DD会议结束"


def test_reordered_sentences_are_a_near_copy():
    assert similarity(SOURCE, COPY_NAMES, REORDERED, COPY_NAMES) >= 0.8


def test_changed_names_and_dates_are_a_near_copy():
    assert similarity(SOURCE, COPY_NAMES, RENAMED, COPY_NAMES_B) >= 0.85


def test_genuinely_different_minutes_on_the_same_topic_are_far_apart():
    assert similarity(SOURCE, COPY_NAMES, SAME_TOPIC, COPY_NAMES_B) < 0.15


@settings(max_examples=40, deadline=None)
@given(st.permutations(range(len(SOURCE))))
def test_any_order_of_the_sentences_stays_above_the_threshold(order):
    assert similarity(SOURCE, COPY_NAMES, [SOURCE[i] for i in order], COPY_NAMES) >= copydetect.threshold()


def test_similar_records_share_a_band_and_distant_ones_rarely_do():
    a, b, c = fp(SOURCE, COPY_NAMES), fp(RENAMED, COPY_NAMES_B), fp(SAME_TOPIC, COPY_NAMES_B)
    assert len(a.buckets) == copydetect.BANDS
    assert set(enumerate(a.buckets)) & set(enumerate(b.buckets))
    assert not set(enumerate(a.buckets)) & set(enumerate(c.buckets))


def test_minhash_estimates_the_jaccard_similarity():
    a, b = fp(SOURCE, COPY_NAMES), fp(REORDERED, COPY_NAMES)
    sa, sb = copydetect.signature(set(a.shingles)), copydetect.signature(set(b.shingles))
    estimate = sum(x == y for x, y in zip(sa, sb, strict=True)) / copydetect.BINS
    assert abs(estimate - copydetect.jaccard(a.shingles, b.shingles)) < 0.2


def test_short_minutes_are_not_indexed():
    assert not copydetect.fingerprint("学习了文件。", []).indexable


# --- through the workflow ------------------------------------------------------------------------------


def submit(world, sentences, *, org=None, actor="secretary", host="李建国", recorder="张秀英", days=20):
    meeting = record(world, actor=actor, org=org, minutes="".join(sentences), host=host, recorder=recorder,
                     held_on=timezone.localdate() - timedelta(days=days),
                     attendees=("a1_member",) if org in (None, world.branch_a1) else ("b1_member",))
    return services.meeting_submit(actor=world.users[actor], meeting=meeting)


def test_a_copy_of_the_same_branchs_earlier_minutes_is_flagged(world):
    source = submit(world, SOURCE, days=60)
    copy = submit(world, REORDERED, days=10)
    flag = CopyFlag.objects.get(meeting=copy)
    assert flag.source == source and flag.similarity >= 0.8
    assert not CopyFlag.objects.filter(meeting=source).exists()  # the earlier record is the source


def test_a_copy_of_another_branchs_minutes_with_changed_names_and_dates_is_flagged(world):
    source = submit(world, SOURCE, days=60)
    copy = submit(world, RENAMED, org=world.branch_b1, actor="b_admin", host="赵志强", recorder="刘海燕")
    assert CopyFlag.objects.get(meeting=copy).source == source


def test_different_minutes_on_the_same_topic_are_not_flagged(world):
    submit(world, SOURCE, days=60)
    other = submit(world, SAME_TOPIC, org=world.branch_b1, actor="b_admin", host="赵志强", recorder="刘海燕")
    assert not CopyFlag.objects.filter(meeting=other).exists()
    assert MinutesFingerprint.objects.count() == 2 and MinutesBand.objects.count() == 2 * copydetect.BANDS


def test_the_threshold_is_a_setting(world, settings):
    settings.ORGLIFE_COPY_THRESHOLD = 0.99
    submit(world, SOURCE, days=60)
    copy = submit(world, REORDERED)
    assert not CopyFlag.objects.filter(meeting=copy).exists()


def test_a_corrected_resubmission_is_checked_again(world):
    submit(world, SOURCE, days=60)
    copy = submit(world, REORDERED)
    services.meeting_review_return(actor=world.users["a_admin"], meeting=copy, comment="记录与此前雷同，请如实记录")
    services.meeting_update(actor=world.users["secretary"], meeting=copy, minutes="".join(SAME_TOPIC))
    services.meeting_resubmit(actor=world.users["secretary"], meeting=copy)
    assert not CopyFlag.objects.filter(meeting=copy).exists()


def test_the_reviewer_sees_the_source_only_within_their_scope(world):
    source = submit(world, SOURCE, days=60)
    copy = submit(world, RENAMED, org=world.branch_b1, actor="b_admin", host="赵志强", recorder="刘海燕")
    [(flag, readable)] = selectors.visible_flags(world.users["city_admin"], copy)
    assert flag.source == source and readable
    [(flag, readable)] = selectors.visible_flags(world.users["b_admin"], copy)
    assert not readable  # a district-B admin learns that a copy exists, not district A's minutes


def test_marked_sentences_show_the_overlap():
    other = fp(SOURCE, COPY_NAMES).normalized
    marked = copydetect.marked_sentences("".join(RENAMED) + "另外讨论了垃圾分类宣传的新办法和分工安排。", other,
                                         COPY_NAMES_B)
    assert all(copied for _s, copied in marked[:-1]) and not marked[-1][1]


@pytest.mark.parametrize("kind", [MeetingKind.BRANCH_ASSEMBLY])
def test_copies_are_caught_across_kinds_too(world, kind):
    source = submit(world, SOURCE, days=60)
    meeting = record(world, kind=kind, minutes="".join(REORDERED), held_on=timezone.localdate() - timedelta(days=3))
    services.meeting_submit(actor=world.users["secretary"], meeting=meeting)
    assert CopyFlag.objects.get(meeting=meeting).source == source
