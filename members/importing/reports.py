"""Files the roster pages hand out: the error report of a batch (CSV or xlsx), the blank import
template, and a member list exported in the roster layout (masked, or unmasked for roles that may
see full numbers — the caller checks and audits that)."""

import csv
import io
from datetime import date

from core.views import csv_safe
from members.importing.reading import CHOICES, LAYOUT, REQUIRED, TEXT_FIELDS
from members.models import ImportBatch, ImportRow, Member

REPORT_HEADERS = ["行号", "姓名", "身份证号", "问题"]


def _error_rows(batch: ImportBatch):
    for row in ImportRow.objects.filter(batch=batch, ok=False).order_by("number").iterator(chunk_size=2000):
        yield [row.number, csv_safe(row.name), row.id_masked, csv_safe("；".join(row.error_list()))]


def error_report_csv(batch: ImportBatch) -> str:
    out = io.StringIO()
    out.write("\ufeff")  # BOM: Excel then reads UTF-8 Chinese correctly
    writer = csv.writer(out)
    writer.writerow(REPORT_HEADERS)
    writer.writerows(_error_rows(batch))
    return out.getvalue()


def error_report_xlsx(batch: ImportBatch, out) -> None:
    from openpyxl import Workbook  # about 0.4 s to import: loaded for a workbook only

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("错误报告")
    sheet.column_dimensions["D"].width = 80
    sheet.append(REPORT_HEADERS)
    for row in _error_rows(batch):
        sheet.append(row)
    workbook.save(out)


# What the template's notes sheet says of each column (beyond required / optional).
NOTES = {
    "birth_date": "可省略：以身份证号为准；填写时须与身份证号一致",
    "id_number": "18位，末位X大小写均可；请将单元格设为“文本”，否则Excel会改写号码",
    "gender": "可省略：以身份证号为准",
    "joined": "如 1985-03-02、1985/3/2、1985年3月2日；入党时须年满18岁",
    "converted": "预备党员留空；不得早于入党日期",
    "org": "填写组织代码或全称，须在您的管理范围内",
    "group": "须是所在党组织下属的党小组",
    "phone": "手机号11位，或带区号的固定电话",
    "status": "可省略：有转正日期为正式党员，否则为预备党员",
    "applied": "不得晚于入党日期；申请时须年满18岁",
}


def template_xlsx(out) -> None:
    """A blank roster with every column, one example row, and a sheet explaining each column."""
    from openpyxl import Workbook  # about 0.4 s to import: loaded for a workbook only
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "花名册"
    sheet.append([header for _, header, _ in LAYOUT])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    example = {"name": "张三", "gender": "男", "ethnicity": "汉族", "birth_date": "1985-03-02",
               "id_number": "（请填写）", "education": "大学本科", "joined": "2010-07-01",
               "converted": "2011-07-01", "org": "（组织代码）", "category": "在职"}
    sheet.append([example.get(key, "") for key, _, _ in LAYOUT])
    for column in sheet.iter_cols(min_row=1, max_row=1):
        sheet.column_dimensions[column[0].column_letter].width = 16
    for column in sheet.iter_cols(min_col=5, max_col=5):  # 身份证号 as text, so Excel keeps all digits
        for cell in column:
            cell.number_format = "@"
    notes = workbook.create_sheet("填写说明")
    notes.append(["列名", "是否必填", "说明", "也可写作"])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for key, header, aliases in LAYOUT:
        note = NOTES.get(key, "")
        if key in CHOICES:
            note = "可选：" + CHOICES[key].options
        notes.append([header, "必填" if key in REQUIRED else "选填", note, "、".join(aliases)])
    notes.column_dimensions["C"].width = 70
    notes.append([])
    notes.append(["说明", "", "表头须在前10行内；第一张工作表为花名册；一次最多20万行；身份证号已登记的党员将被更新而不是重复建档。"])
    workbook.save(out)


EXPORT_HEADERS = [header for key, header, _ in LAYOUT]


def export_row(member: Member, *, unmasked: bool = False) -> list:
    """A member as a roster row: dates as ISO text, org by full name; ID and phone numbers
    masked unless ``unmasked`` (then the file reads back in as an import)."""
    values = {
        "name": member.name, "gender": member.get_gender_display(), "ethnicity": member.ethnicity,
        "birth_date": member.birth_date,
        "id_number": member.get_id_number() if unmasked else member.id_number_masked,
        "education": member.get_education_display() if member.education else "",
        "joined": member.joined, "converted": member.converted, "org": member.org.name,
        "group": member.group.name if member.group_id else "",
        "category": member.get_category_display(),
        "phone": member.get_phone() if unmasked else member.phone_masked,
        "status": member.get_status_display(), "applied": member.applied,
        **{k: getattr(member, k) for k in TEXT_FIELDS},
    }
    return [v.isoformat() if isinstance(v, date) else csv_safe(v) for v in (values[k] for k, _, _ in LAYOUT)]


def export_xlsx(queryset, out, *, unmasked: bool = False) -> int:
    """Write the members to ``out`` as an .xlsx roster; return the row count. Write-only mode
    streams rows, so memory stays flat with the list's length."""
    from openpyxl import Workbook  # about 0.4 s to import: loaded for a workbook only

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("党员花名册")
    sheet.append(EXPORT_HEADERS)
    count = 0
    for member in queryset.select_related("org", "group").iterator(chunk_size=2000):
        sheet.append(export_row(member, unmasked=unmasked))
        count += 1
    workbook.save(out)
    return count
