"""Input formats for zh-hans, ISO first (settings.FORMAT_MODULE_PATH; every other format falls
through to Django's zh_Hans module).

A widget renders a date in the first input format of the active locale. Django's zh_Hans puts
2026/12/03 first, which <input type=date> (ISO only, whatever the locale) rejects: the field shows
empty and saving the form erases the date. core.forms.DateInput names ISO itself; this keeps every
other date input (a library's, a form written tomorrow) from losing its value the same way.
The other spellings are still read."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # '2016-09-05'
    "%Y/%m/%d",  # '2016/09/05'
    "%Y年%m月%d日",  # '2016年9月5日'
]

DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M",  # '2016-09-05 20:45'
    "%Y-%m-%d %H:%M:%S",  # '2016-09-05 20:45:29'
    "%Y-%m-%d %H:%M:%S.%f",  # '2016-09-05 20:45:29.000200'
    "%Y/%m/%d %H:%M",  # '2016/09/05 20:45'
    "%Y/%m/%d %H:%M:%S",  # '2016/09/05 20:45:29'
    "%Y年%m月%d日 %H:%M",  # '2016年9月5日 20:45'
    "%Y年%m月%d日 %H:%M:%S",  # '2016年9月5日 20:45:29'
]
