"""Dues pages: a branch's dues for a year (amounts, what differs from last year, confirmation,
paid up to, arrears), the import of bases (preview, then all or nothing), a payment, the opening
'paid up to', a reduction by the level above, the subtree's figures, and the member's own page."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone

from core import audit
from core.access import get_scope
from core.errors import NotFound, refusal_text
from core.views import (
    GenericView,
    ObjectDetailView,
    ServiceActionView,
    ServiceFormView,
    csv_safe,
    not_generic,
)
from dues import importing, rules, selectors, services
from dues.forms import AdjustForm, BasesImportForm, OpenForm, PaymentForm, StatementForm, VoidForm
from dues.models import DuesPayment, DuesYear
from members.models import ACTIVE_STATUSES, Member
from orgs.models import Org

CRUMB = ("党费", None)


def _year(request) -> int:
    value, today = request.GET.get("year", ""), timezone.localdate().year
    return int(value) if value.isdigit() and today - 5 <= int(value) <= today + 1 else today


def _managed_org(user, pk, perm="member.view") -> Org:
    return get_object_or_404(Org.objects.granting(user, perm), pk=pk)


def _managed_member(user, pk, perm="member.change") -> Member:
    return get_object_or_404(Member.objects.visible_to(user, "change" if perm == "member.change" else "view")
                             .select_related("org"), pk=pk)


@not_generic("a redirect: a manager to their first org's dues, a member to their own")
class HomeView(GenericView):
    """/dues/: a manager goes to their first org's page; a member to their own dues."""

    def get(self, request):
        org = Org.objects.granting(request.user, "member.view").order_by("path").first()
        if org is not None:
            return redirect("dues:org", pk=org.pk)
        if get_scope(request.user).member_id:
            return redirect("dues:mine")
        raise Http404


class OrgDuesView(ObjectDetailView):
    """One org's dues for a year: its members (a branch's), the subtree's arrears and money."""

    model = Org
    template_name = "dues/org.html"

    def get_object(self):
        return _managed_org(self.request.user, self.kwargs["pk"])

    def get_title(self):
        return f"{self.object.name} {_year(self.request)}年党费"

    def get_breadcrumbs(self):
        return [("党费", None), (self.object.name, None)]

    def get_extra_context(self):
        org, year, today = self.object, _year(self.request), timezone.localdate()
        years = {d.member_id: d for d in DuesYear.objects.filter(member__org=org, year=year)}
        behind = {row.member.pk: row for row in selectors.arrears(org, today=today, minimum=0)}
        members = Member.objects.filter(org=org, status__in=ACTIVE_STATUSES).order_by("name_pinyin", "pk")
        rows = [(m, years.get(m.pk), behind.get(m.pk)) for m in members]
        can_change = get_scope(self.request.user).covers(org.path, "member.change")
        return {
            "year": year, "rows": rows, "differing": selectors.differing(org, year),
            "pending": sum(1 for d in years.values() if d.confirmed_on is None),
            "unset": sum(1 for _, d, _ in rows if d is None),
            "counts": selectors.behind_counts(org, today=today), "thresholds": selectors.thresholds(org),
            "totals": selectors.month_totals(org, year), "can_change": can_change,
            "can_adjust": get_scope(self.request.user).covers_above(org.path, "member.change"),
            "current_month": rules.month_index(today), "rule": rules.ROUNDING_RULE,
            "reconciliation": selectors.reconciliation(org, year),
        }


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ReportView(OrgDuesView):
    """党费报表 (.xlsx): the org's members (amounts, paid up to, months behind) and the subtree's
    money per month of the year (from the summary rows). Written to the audit trail."""

    def get(self, request, *args, **kwargs):
        from openpyxl import Workbook  # about 0.4 s to import: loaded for a workbook only

        context = self.get_extra_context()
        workbook = Workbook(write_only=True)
        members = workbook.create_sheet("党员党费")
        members.append(["姓名", "人员类别", "缴费基数（元）", "月缴纳额（元）", "减免批准", "确认日期", "党费交至", "欠缴月数"])
        for member, dues_year, behind in context["rows"]:
            members.append([csv_safe(member.name),
                            dues_year.get_category_display() if dues_year else "",
                            rules.fen_to_yuan(dues_year.base_fen) if dues_year and dues_year.base_fen is not None else "",
                            rules.fen_to_yuan(dues_year.due_fen) if dues_year else "",
                            csv_safe(dues_year.adjustment_approval) if dues_year else "",
                            f"{dues_year.confirmed_on:%Y-%m-%d}" if dues_year and dues_year.confirmed_on else "",
                            behind.paid_up_to_label if behind else "", behind.behind if behind else ""])
        months = workbook.create_sheet("月度收缴（含下级）")
        months.append(["月份", "笔数", "金额（元）"])
        total = 0
        for row in context["totals"]:
            months.append([f"{row['month']:%Y-%m}", row["payments"], rules.fen_to_yuan(row["amount_fen"])])
            total += row["amount_fen"]
        months.append(["全年合计", sum(row["payments"] for row in context["totals"]), rules.fen_to_yuan(total)])
        out = io.BytesIO()
        workbook.save(out)
        with transaction.atomic():
            audit.record("export", object_type="dues.duesyear", changes={
                "org": self.object.pk, "year": context["year"], "rows": len(context["rows"]), "format": "xlsx"})
        response = HttpResponse(out.getvalue(), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="dues-{self.object.code}-{context["year"]}.xlsx"'
        return response


class ConfirmView(ServiceActionView):
    service = services.year_confirm
    success_message = "已确认 {result} 名党员的年度党费"

    def prepare(self):
        self.org = _managed_org(self.request.user, self.kwargs["pk"], "member.change")
        self.year = _year(self.request)

    def get_service_kwargs(self, form):
        return {"org": self.org, "year": self.year}

    def get_back_url(self):
        return reverse("dues:org", args=[self.org.pk]) + f"?year={self.year}"


class CarryView(ConfirmView):
    """新年度结转: last year's bases carried into the year shown, unconfirmed (services.year_carry)."""

    service = services.year_carry
    success_message = "已按上年度缴费基数结转 {result.carried} 名党员，请核对后确认"


@not_generic("a two-step import (upload → preview → commit) like the roster's, its rows in the session")
class ImportView(GenericView):
    """The import of bases: upload → preview (nothing written) → commit, all rows or none. The
    rows read from the file wait in the session between the two steps."""

    template_name = "dues/import.html"

    def prepare(self):
        self.org = _managed_org(self.request.user, self.kwargs["pk"], "member.change")

    def session_key(self) -> str:
        return f"dues_import_{self.org.pk}"

    def get(self, request, *args, **kwargs):
        return self.show(BasesImportForm(initial={"year": _year(request)}))

    def post(self, request, *args, **kwargs):
        if "commit" in request.POST:
            return self.commit()
        form = BasesImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(form)
        try:
            cells = importing.read_bases(form.cleaned_data["file"])
            rows = services.bases_preview(actor=request.user, org=self.org, year=form.cleaned_data["year"], cells=cells)
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
            return self.show(form)
        request.session[self.session_key()] = {"year": form.cleaned_data["year"], "cells": cells}
        return self.show(form, rows=rows, year=form.cleaned_data["year"])

    def commit(self):
        stored = self.request.session.pop(self.session_key(), None)
        if not stored:
            messages.error(self.request, "预览已过期，请重新上传文件")
            return redirect("dues:import", pk=self.org.pk)
        cells = [(number, values) for number, values in stored["cells"]]
        try:
            count = services.bases_import(actor=self.request.user, org=self.org, year=stored["year"], cells=cells)
        except ValidationError as exc:
            messages.error(self.request, refusal_text(exc))
            return redirect("dues:import", pk=self.org.pk)
        messages.success(self.request, f"已导入 {count} 名党员的{stored['year']}年度缴费基数，请核对后确认")
        return redirect(reverse("dues:org", args=[self.org.pk]) + f"?year={stored['year']}")

    def show(self, form, rows=None, year=None):
        return render(self.request, self.template_name, {
            "form": form, "rows": rows, "year": year, "org": self.org, "title": f"导入{self.org.name}缴费基数",
            "breadcrumbs": [("党费", reverse("dues:org", args=[self.org.pk])), ("导入缴费基数", None)],
            "has_errors": any(row.errors for row in rows or []),
        })


@not_generic("a bank statement's two-step import: lines matched to members, then committed all or none")
class StatementView(ImportView):
    """A bank statement: upload → lines matched to members (unmatched shown, with a member to
    choose for each) → commit, every line with a member or nothing."""

    template_name = "dues/statement.html"

    def session_key(self) -> str:
        return f"dues_statement_{self.org.pk}"

    def get(self, request, *args, **kwargs):
        return self.show(StatementForm())

    def post(self, request, *args, **kwargs):
        chosen = {int(key[7:]): int(value) for key, value in request.POST.items()
                  if key.startswith("member_") and key[7:].isdigit() and value.isdigit() and len(value) < 18}
        if "commit" in request.POST:
            return self.commit(chosen)
        form = StatementForm(request.POST, request.FILES)
        if not form.is_valid():
            return self.show(form)
        try:
            cells = importing.read_statement(form.cleaned_data["file"])
            lines = services.statement_preview(actor=request.user, org=self.org, cells=cells)
        except ValidationError as exc:
            form.add_error(None, refusal_text(exc))
            return self.show(form)
        request.session[self.session_key()] = {"cells": cells}
        return self.show(form, lines=lines)

    def commit(self, chosen):
        stored = self.request.session.get(self.session_key())
        if not stored:
            messages.error(self.request, "预览已过期，请重新上传对账单")
            return redirect("dues:statement", pk=self.org.pk)
        cells = [(number, values) for number, values in stored["cells"]]
        try:
            payments = services.statement_import(actor=self.request.user, org=self.org, cells=cells, chosen=chosen)
        except ValidationError as exc:
            lines = services.statement_preview(actor=self.request.user, org=self.org, cells=cells, chosen=chosen)
            return self.show(StatementForm(), lines=lines, refused=refusal_text(exc))
        self.request.session.pop(self.session_key(), None)
        messages.success(self.request, f"已按对账单登记 {len(payments)} 笔党费")
        return redirect("dues:org", pk=self.org.pk)

    def show(self, form, lines=None, refused=""):
        members = Member.objects.filter(org=self.org, status__in=ACTIVE_STATUSES).order_by("name_pinyin", "pk")
        return render(self.request, self.template_name, {
            "form": form, "lines": lines, "org": self.org, "members": members, "refused": refused,
            "title": f"导入{self.org.name}银行对账单",
            "breadcrumbs": [("党费", reverse("dues:org", args=[self.org.pk])), ("导入银行对账单", None)],
        })


class MemberFormMixin:
    def prepare(self):
        self.member = _managed_member(self.request.user, self.kwargs["pk"])

    def get_success_url(self, result):
        return reverse("dues:org", args=[self.member.org_id])

    def get_cancel_url(self):
        return reverse("dues:org", args=[self.member.org_id])


class PaymentView(MemberFormMixin, ServiceFormView):
    form_class = PaymentForm
    service = services.payment_record
    submit_label = "登记缴纳"
    success_message = "已登记{result.member.name}{result}，收据号 {result.receipt}"

    def get_title(self):
        return f"登记{self.member.name}的党费缴纳"

    def get_form_kwargs(self):
        standing = getattr(self.member, "dues_standing", None)
        next_month = services.rules.next_unpaid(
            paid_up_to=standing.paid_up_to if standing else None,
            first_due=standing.first_due if standing else services.first_due(self.member), today=timezone.localdate())
        return {} if self.request.method == "POST" else {"initial": {"month": rules.month_date(next_month), "months": 1}}

    summary_template = "dues/_last_payment.html"

    def get_extra_context(self):
        last = (DuesPayment.objects.filter(member=self.member, org_id=self.member.org_id, voided_on__isnull=True)
                .order_by("-first_month", "-pk").first())
        return {"last_payment": last}

    def get_service_kwargs(self, form):
        return {"member": self.member, **form.service_kwargs()}


class VoidView(ServiceFormView):
    """撤销一笔误登记的缴纳 (services.payment_void): the payment shown above the reason."""

    form_class = VoidForm
    service = services.payment_void
    submit_label = "撤销这笔缴纳"
    summary_template = "dues/_last_payment.html"
    success_message = "已撤销{result}（收据号 {result.receipt}），党费交至已恢复"

    def prepare(self):
        self.payment = get_object_or_404(DuesPayment.objects.visible_to(self.request.user).select_related("member", "org"),
                                         pk=self.kwargs["pk"])
        if not get_scope(self.request.user).covers(self.payment.org.path, "member.change"):
            raise Http404

    def get_title(self):
        return f"撤销{self.payment.member.name}的党费缴纳"

    def get_extra_context(self):
        return {"last_payment": self.payment, "voiding": True}

    def get_service_kwargs(self, form):
        return {"payment": self.payment, "reason": form.cleaned_data["reason"]}

    def get_success_url(self, result):
        return reverse("dues:pay", args=[result.member_id])

    def get_cancel_url(self):
        return reverse("dues:pay", args=[self.payment.member_id])


class OpenView(MemberFormMixin, ServiceFormView):
    form_class = OpenForm
    service = services.standing_open
    success_message = "已设定{result.member.name}的期初党费交至"

    def get_title(self):
        return f"设定{self.member.name}的期初党费交至"

    def get_service_kwargs(self, form):
        return {"member": self.member, "paid_up_to": rules.month_index(form.cleaned_data["month"])}


class AdjustView(ServiceFormView):
    form_class = AdjustForm
    service = services.year_adjust
    success_message = "已记录减免（{result}）"

    def prepare(self):
        self.dues_year = get_object_or_404(DuesYear.objects.visible_to(self.request.user).select_related("member__org"),
                                           pk=self.kwargs["pk"])

    def get_title(self):
        return f"减免{self.dues_year.member.name}{self.dues_year.year}年度党费"

    def get_service_kwargs(self, form):
        return {"dues_year": self.dues_year, "adjusted_fen": int(form.cleaned_data["adjusted"] * 100),
                "approval": form.cleaned_data["approval"]}

    def get_success_url(self, result):
        return reverse("dues:org", args=[self.dues_year.member.org_id]) + f"?year={self.dues_year.year}"

    def get_cancel_url(self):
        return self.get_success_url(None)


@not_generic("the member's own dues: about no object the URL names, the member is the user")
class MineView(GenericView):
    """我的党费: the member's amount and how it was computed, payments, paid up to (phone-first)."""

    def get(self, request):
        member_id = get_scope(request.user).member_id
        if not member_id:
            raise NotFound
        member = Member.objects.select_related("org").get(pk=member_id)
        data = selectors.member_dues(member)
        standing = data["standing"]
        today = timezone.localdate()
        behind = rules.months_behind(paid_up_to=standing.paid_up_to, first_due=standing.first_due, today=today) if standing else 0
        explanations = []
        for dues_year in data["years"]:
            amount = rules.monthly_amount(dues_year.category, dues_year.base_fen,
                                          farmer_fen=dues_year.amount_fen if dues_year.category == rules.Category.FARMER else 20)
            explanations.append((dues_year, amount.explanation))
        return render(request, "dues/mine.html", {
            "title": "我的党费", "breadcrumbs": [("我的党费", None)], "member": member, "years": explanations,
            "payments": data["payments"], "standing": standing, "behind": behind,
            "paid_up_to": rules.month_label(standing.paid_up_to) if standing and standing.paid_up_to is not None else None,
        })
