"""Learning pages: the member's study home (hours against what they owe, continue where they
stopped, required courses), an item's page (which sends the heartbeats, learning/study.js), its
media (range requests) and a branch's progress for the secretary."""

import json

from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import files
from core.access import get_scope
from core.errors import NotFound
from core.views import (
    MemberOrManagerView,
    ObjectDetailView,
    ObjectListView,
    ServiceActionView,
    ServiceFormView,
    not_generic,
)
from learning import rules, selectors, services
from learning.filters import CourseFilterSet
from learning.forms import ChannelForm, CourseForm, ItemForm, PublishForm
from learning.models import Course, StudyItem
from learning.tables import CourseTable
from members.models import Member
from orgs.models import Org
from orgs.selectors import children, managed_roots, org_param
from points import selectors as points_selectors

CRUMB = ("学习培训", "/learning/")


@not_generic("a dashboard of the member's own study and the manager's orgs: no one object, list or form")
class LearningHomeView(MemberOrManagerView):
    """My study (a member) and the branches whose progress the user may see (a manager)."""

    title = "学习培训"

    manager_perm = "learning.view"

    def get(self, request):
        scope, year = get_scope(request.user), timezone.localdate().year
        context = {"title": self.title, "breadcrumbs": [(self.title, None)], "year": year}
        channel = None
        if request.GET.get("channel", "").isdigit():
            channel = get_object_or_404(selectors.channels_for(request.user), pk=int(request.GET["channel"]))
        context.update(channels=selectors.channel_tree(request.user), channel=channel)
        if scope.member_id:
            member = Member.objects.select_related("org").get(pk=scope.member_id)
            context.update(hours=selectors.member_hours(member, year), resume=selectors.continue_item(member),
                           points=points_selectors.members_points([member.pk], year).get(member.pk, 0),
                           required=selectors.required_courses(request.user, member, year).prefetch_related("items"),
                           courses=(selectors.courses_for(request.user).filter(
                               channel_id__in=selectors.channel_and_below(channel)) if channel
                               else selectors.courses_for(request.user)).prefetch_related("items")[:50])
        if scope.has_any_org_perm("learning.view"):
            context["managed"] = Org.objects.visible_to(request.user, "view").filter(
                path__in=scope.paths_for("learning.view"))[:20]
        return render(request, "learning/home.html", context)


class ItemView(ObjectDetailView):
    """One item to study. The page's script (learning/study.js) opens a session and sends the
    heartbeats; the server decides what counts (learning.services)."""

    model = StudyItem
    template_name = "learning/item.html"

    def get_queryset(self):
        return super().get_queryset().select_related("course__org")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, (self.object.course.title, None), (self.object.title, None)]

    def get_extra_context(self):
        return {"item": self.object, "interval": rules.BEAT_INTERVAL,
                "studying": bool(get_scope(self.request.user).member_id)}


@not_generic("a media file served with range requests, not a page")
def item_media(request, pk: int):
    if not request.user.is_authenticated:
        raise NotFound
    item = get_object_or_404(StudyItem.objects.visible_to(request.user, "view").exclude(stored_name=""), pk=pk)
    return files.ranged(request, item.stored_name, item.content_type)


class ProgressView(ObjectDetailView):
    """A branch's members with their class hours this year, those behind first; the subtree's
    online hours from the summary rows."""

    required_perm = "learning.view"
    model = Org
    template_name = "learning/progress.html"

    def get_object(self):
        org = get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(org.path, "learning.view"):
            raise NotFound
        return org

    def get_title(self):
        return f"{self.object.name}学习进度"

    def get_breadcrumbs(self):
        return [CRUMB, (self.get_title(), None)]

    def get_extra_context(self):
        year = timezone.localdate().year
        rows = selectors.org_progress(self.object, year)
        points = points_selectors.members_points([m.pk for m, _ in rows], year)
        return {"year": year, "rows": [(m, h, points.get(m.pk, 0)) for m, h in rows],
                "behind": sum(1 for _, h in rows if h.behind),
                "subtree_hours": selectors.org_year_hours(self.object, year),
                "children": selectors.children_hours(self.object, children(self.object, self.request.user), year)}


@not_generic("the study page's JSON calls (session cookie and CSRF token), not a page")
@require_POST
def session_open(request, pk: int):
    if not request.user.is_authenticated:
        raise NotFound
    item = get_object_or_404(StudyItem.objects.visible_to(request.user, "view"), pk=pk)
    session = services.session_open(actor=request.user, item=item)
    return JsonResponse({"token": session.token, "position": session.position, "interval": rules.BEAT_INTERVAL},
                        status=201)


BEAT_FIELDS = {"seq": int, "elapsed": (int, float), "visible": bool, "focused": bool, "playing": bool,
               "rate": (int, float), "position": (int, float)}


@not_generic("the study page's JSON calls (session cookie and CSRF token), not a page")
@require_POST
def beat(request):
    """A heartbeat from the item page (the API's ``learning_heartbeat`` for the page's session)."""
    if not request.user.is_authenticated:
        raise NotFound
    try:
        data = json.loads(request.body or b"{}")
        token = data.pop("token")
        if not isinstance(token, str) or set(data) - set(BEAT_FIELDS) or any(
                not isinstance(data[k], BEAT_FIELDS[k]) or isinstance(data[k], bool) != (BEAT_FIELDS[k] is bool)
                for k in data):
            raise ValueError
        result = services.heartbeat(actor=request.user, token=token[:64], beat=services.Beat(**data))
    except (ValueError, KeyError, TypeError, AttributeError):
        return JsonResponse({"detail": "心跳格式不正确"}, status=400)
    return JsonResponse({"accepted": result.accepted, "credited": result.credited, "reason": result.reason,
                         "message": result.message})


# --- the library: channels, courses and their items, for those who publish (learning.change) --------

PERM = "learning.change"


class LibraryView(ObjectListView):
    """The courses published in the user's subtrees, drafts included, with the channel tree."""

    required_perm = "learning.view"
    model = Course
    filterset_class = CourseFilterSet
    table = CourseTable
    title = "课程库"
    breadcrumbs = [CRUMB, ("课程库", None)]
    default_order = ("-year", "title", "pk")
    template_name = "learning/library.html"

    def get_base_queryset(self):
        courses = Course.objects.visible_to(self.request.user, "view").filter(
            get_scope(self.request.user).org_q("org__path", "learning.view"))
        channel = self.request.GET.get("channel", "")
        if channel.isdigit():
            found = selectors.channels_for(self.request.user).filter(pk=int(channel)).first()
            courses = courses.filter(channel_id__in=selectors.channel_and_below(found) if found else [])
        return courses.select_related("org", "channel__parent__parent")

    def get_extra_context(self):
        return {"can_change": get_scope(self.request.user).has_any_org_perm(PERM),
                "channels": selectors.channel_tree(self.request.user)}


class _OrgFormMixin:
    """A form for an org named by ``?org=`` (id or code) among those the user publishes for, by
    default the first of them."""

    def prepare(self):
        org = org_param(self.request.user, self.request.GET.get("org"), PERM)
        roots = managed_roots(self.request.user, PERM)
        self.org = org or (roots[0] if roots else None)
        if self.org is None:
            raise NotFound

    def get_form_kwargs(self):
        return {"channels": selectors.channels_for_org(self.request.user, self.org)}

    def get_cancel_url(self):
        return reverse("learning:library")


class ChannelCreateView(_OrgFormMixin, ServiceFormView):
    form_class = ChannelForm
    service = services.channel_create
    submit_label = "新建栏目"
    success_message = "已新建栏目：{result}"

    def get_service_kwargs(self, form):
        return {"org": self.org, **form.cleaned_data}

    def get_title(self):
        return f"新建学习栏目（{self.org.name}）"

    def get_breadcrumbs(self):
        return [CRUMB, ("课程库", reverse("learning:library")), ("新建栏目", None)]


class CourseCreateView(_OrgFormMixin, ServiceFormView):
    form_class = CourseForm
    service = services.course_create
    submit_label = "保存为草稿"
    success_message = "已保存课程：{result}。添加学习内容后即可发布。"

    def get_service_kwargs(self, form):
        return {"org": self.org, "published": False, **form.cleaned_data}

    def get_title(self):
        return f"新建课程（{self.org.name}发布，本组织及下级党员可学）"

    def get_breadcrumbs(self):
        return [CRUMB, ("课程库", reverse("learning:library")), ("新建课程", None)]


class CourseView(ObjectDetailView):
    """A course: its items in order; for those who publish it, adding items and publishing."""

    model = Course
    template_name = "learning/course.html"

    def get_queryset(self):
        return super().get_queryset().select_related("org", "channel__parent__parent")

    def get_title(self):
        return self.object.title

    def get_breadcrumbs(self):
        return [CRUMB, ("课程库", reverse("learning:library")), (self.object.title, None)]

    def get_extra_context(self):
        return {"items": list(self.object.items.all()),
                "can_change": get_scope(self.request.user).covers(self.object.org.path, PERM)}


class _CourseMixin:
    def prepare(self):
        self.course = get_object_or_404(Course.objects.visible_to(self.request.user, "view").select_related("org"),
                                        pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.course.org.path, PERM):
            raise NotFound

    def get_cancel_url(self):
        return self.course.get_absolute_url()


class ItemAddView(_CourseMixin, ServiceFormView):
    form_class = ItemForm
    service = services.item_add
    submit_label = "添加"
    success_message = "已添加：{result}"

    def get_service_kwargs(self, form):
        return {"course": self.course, **form.service_kwargs()}

    def get_success_url(self, result):
        return self.course.get_absolute_url()

    def get_title(self):
        return f"添加学习内容：{self.course.title}"


class CoursePublishView(_CourseMixin, ServiceActionView):
    form_class = PublishForm
    service = services.course_publish

    def get_service_kwargs(self, form):
        return {"course": self.course, "published": form.cleaned_data["published"]}

    def get_success_message(self, result):
        return "课程已发布，本组织及下级党员可以学习" if result.published else "课程已撤回"
