"""Dues forms: the import of bases, a payment, its void, a reduction."""

from django import forms

from core.forms import Form, MonthField
from dues import rules
from dues.models import Method


class BasesImportForm(Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2999)
    file = forms.FileField(label="缴费基数表（.xlsx 或 .csv）",
                                  help_text="列：姓名、身份证号、人员类别、缴费基数（元/月，税后工资收入或离退休费）")


class StatementForm(Form):
    file = forms.FileField(label="银行对账单（.xlsx 或 .csv）", help_text="列：户名、金额、交易日期、流水号、附言（重名党员请在附言中注明身份证后四位）")


class PaymentForm(Form):
    month = MonthField(label="起始月份")
    months = forms.TypedChoiceField(label="缴纳月数", coerce=int, choices=[(1, "1 个月（按月）"), (3, "3 个月（按季）")])
    method = forms.ChoiceField(label="缴纳方式", choices=[(Method.CASH, Method.CASH.label), (Method.TRANSFER, Method.TRANSFER.label)])

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {"first_month": rules.month_index(data["month"]), "months": data["months"], "method": data["method"]}


class OpenForm(Form):
    month = MonthField(label="党费交至（期初，按纸质台账）")


class AdjustForm(Form):
    adjusted = forms.DecimalField(label="减免后每月金额（元，免交填 0）", min_value=0, max_digits=10, decimal_places=2)
    approval = forms.CharField(label="上级党组织批准文件", max_length=200)


class VoidForm(Form):
    reason = forms.CharField(label="撤销原因", max_length=200, widget=forms.Textarea(attrs={"rows": 2}),
                             help_text="如：误登记到其他党员、月份登记错误。记录保留，注明已撤销")
