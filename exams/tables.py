from core.tables import Column, Table

QuestionTable = Table(empty_text="题库中还没有试题。", columns=(
    Column("专题", "topic", order_by="topic"),
    Column("题型", "kind"),
    Column("题干", lambda q: q.text[:60]),
    Column("选项", lambda q: "；".join(f"{letter}. {text}" for letter, text in q.choices())),
    Column("答案", "answer"),
    Column("出题组织", "org.name", order_by="org__path"),
    Column("启用", lambda q: "是" if q.active else "否"),
))
