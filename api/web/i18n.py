"""The pages' words in Chinese (the default) and English, and the choice between them.

Data carry their own ``*_zh``/``*_en`` fields and vocabulary labels (``api.vocab``); this
module holds only what the pages themselves say.
"""

from dataclasses import dataclass

from api.errors import InvalidQuery
from api.vocab import label

LANGUAGES = ("zh", "en")
HTML_LANG = {"zh": "zh-Hans", "en": "en"}

STRINGS: dict[str, tuple[str, str]] = {
    "site.title": ("2021年慈溪市政府工作报告 · 开放数据", "Cixi Government Work Report 2021 · Open data"),
    "site.short": ("慈溪报告数据", "Cixi report data"),
    "site.skip": ("跳到正文", "Skip to content"),
    "site.switch": ("English", "中文"),
    "site.nav": ("主导航", "Main navigation"),
    "site.footer": (
        "数据以 CC-BY-4.0 发布;报告原文为慈溪市人民政府公开文件,逐字收录。",
        "Data published under CC-BY-4.0; the report text is an official document of the "
        "Cixi Municipal People's Government, reproduced verbatim.",
    ),
    "nav.report": ("报告全文", "Report"),
    "nav.charts": ("图表", "Charts"),
    "nav.api": ("API 文档", "API docs"),
    "home.lead": (
        "2021年慈溪市政府工作报告中的每一个事实——指标数值、重点项目、民生事项、“十四五”目标——都整理为结构化、双语、可引用的记录,并附上它在原文中的那句话。",
        "Every fact of the 2021 Cixi Municipal Government Work Report — figures, projects, livelihood items, 14th Five-Year Plan goals — "
        "as structured, bilingual, citable records, each with the sentence it came from.",
    ),
    "home.release": ("数据版本", "Release"),
    "home.characters": ("字", "characters"),
    "home.headlines": ("主要数字", "Headline figures"),
    "home.datasets": ("数据集", "Datasets"),
    "home.records": ("条记录", "records"),
    "home.use": ("使用数据", "Use the data"),
    "home.docs": ("REST 接口文档(Swagger UI)", "REST reference (Swagger UI)"),
    "home.redoc": ("REST 接口文档(ReDoc)", "REST reference (ReDoc)"),
    "home.graphql": ("GraphQL(GraphiQL)", "GraphQL (GraphiQL)"),
    "home.downloads": ("下载(CSV、JSON、SQLite)", "Downloads (CSV, JSON, SQLite)"),
    "home.datapackage": ("数据包(Frictionless)", "Data package (Frictionless)"),
    "home.catalog": ("DCAT 数据目录", "DCAT catalogue"),
    "home.report": ("逐段阅读报告全文,事实高亮", "Read the whole report, facts highlighted"),
    "home.charts": ("图表:“十三五”变化、“十四五”目标、2021年目标", "Charts: 13th-plan changes, 14th-plan targets, 2021 targets"),
    "dataset.indicators": ("指标", "Indicators"),
    "dataset.observations": ("指标数值", "Observations"),
    "dataset.projects": ("重点项目", "Projects"),
    "dataset.livelihood_items": ("民生事项", "Livelihood items"),
    "dataset.five_year_goals": ("“十四五”目标", "Five-year goals"),
    "browse.search": ("搜索", "Search"),
    "browse.search_hint": ("中文或英文关键词", "Chinese or English words"),
    "browse.filters": ("筛选", "Filters"),
    "browse.all": ("全部", "All"),
    "browse.apply": ("应用", "Apply"),
    "browse.reset": ("清除筛选", "Clear filters"),
    "browse.page_size": ("每页条数", "Rows per page"),
    "browse.total": ("共 {total} 条,本页 {shown} 条", "{total} records, {shown} on this page"),
    "browse.none": ("没有符合条件的记录。", "No record matches."),
    "browse.next": ("下一页", "Next page"),
    "browse.first": ("第一页", "First page"),
    "browse.pages": ("分页", "Pages"),
    "browse.data": ("本页数据", "This page as data"),
    "browse.sort_by": ("按此列排序", "Sort by this column"),
    "browse.table": ("结果表", "Results"),
    "col.name": ("名称", "Name"),
    "col.topic": ("领域", "Topic"),
    "col.observations": ("数值", "Values"),
    "col.indicator": ("指标", "Indicator"),
    "col.period": ("时期", "Period"),
    "col.status": ("状态", "Status"),
    "col.measure": ("度量", "Measure"),
    "col.value": ("数值", "Value"),
    "col.quote": ("原文", "Quote"),
    "col.category": ("类别", "Category"),
    "col.year": ("年份", "Year"),
    "col.flagship": ("标志性工程", "Flagship"),
    "col.description": ("内容", "Description"),
    "col.plan": ("规划", "Plan"),
    "col.kind": ("类型", "Kind"),
    "col.dimension": ("方面", "Dimension"),
    "col.target": ("目标值", "Target"),
    "col.scope": ("范围", "Scope"),
    "record.fields": ("全部字段", "All fields"),
    "record.source": ("原文出处", "Source in the report"),
    "record.section": ("所在章节", "Section"),
    "record.read": ("在报告全文中查看", "Read it in the report"),
    "record.cite": ("引用", "Cite"),
    "record.copy": ("复制", "Copy"),
    "record.copied": ("已复制:", "Copied:"),
    "record.elsewhere": ("同一记录的其他形式", "The same record elsewhere"),
    "record.rest": ("REST(JSON)", "REST (JSON)"),
    "record.graphql": ("GraphQL 查询", "GraphQL query"),
    "record.observations": ("该指标的全部数值", "Every value of this indicator"),
    "record.mentions": ("报告中的其他提及", "Other mentions in the report"),
    "record.target": ("目标值", "Target"),
    "record.baseline": ("基期值", "Baseline"),
    "record.indicator": ("指标", "Indicator"),
    "record.goals": ("相关“十四五”目标", "Related five-year goals"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "none": ("—", "—"),
    "report.contents": ("目录", "Contents"),
    "report.passage": ("选定段落", "Selected passage"),
    "report.jump": ("跳到选定段落", "Jump to the passage"),
    "report.facts_here": ("本段中的事实", "Facts in this passage"),
    "report.facts_in_section": ("本节提取的事实({count} 条)", "Facts taken from this section ({count})"),
    "report.legend": (
        "高亮部分是提取为数据的事实,点击可打开对应记录。",
        "Highlighted text is a fact taken into the data; follow it to its record.",
    ),
    "report.zh_only": ("报告原文只有中文。", "The report text is in Chinese only."),
    "charts.title": ("图表", "Charts"),
    "charts.lead": (
        "图表由数据计算生成:只收录两个数值都在数据中、且单位相同的配对。每组条形按本组较大值缩放。",
        "Computed from the data: only pairs whose two numbers are both in the data, in the same unit, are drawn. "
        "Each pair is scaled to its own larger value.",
    ),
    "charts.table": ("数据表", "Data table"),
    "charts.fyp13": ("“十三五”五年变化:2015年 → 2020年", "13th Five-Year Plan: 2015 → 2020"),
    "charts.fyp13_desc": (
        "{count} 项指标在2015年和2020年都有同单位的数值。",
        "{count} indicators with a 2015 and a 2020 value in the same unit.",
    ),
    "charts.fyp14": ("“十四五”2025年目标与2020年基期值", "14th Five-Year Plan: 2025 targets against their 2020 baselines"),
    "charts.fyp14_desc": (
        "{count} 项“十四五”目标同时有2020年基期值和2025年目标值,单位相同。",
        "{count} five-year goals with both a 2020 baseline and a 2025 target in the same unit.",
    ),
    "charts.targets2021": ("2021年目标值按章节分布", "2021 targets by chapter"),
    "charts.targets2021_desc": (
        "2021年的 {total} 个目标值分布在 {count} 个章节。",
        "The report's {total} targets for 2021, across {count} chapters.",
    ),
    "charts.start": ("起点", "Start"),
    "charts.end": ("终点", "End"),
    "charts.item": ("项目", "Item"),
    "charts.chapter": ("章节", "Chapter"),
    "charts.count": ("目标数", "Targets"),
    "error.title": ("无法显示此页", "This page cannot be shown"),
    "error.back": ("返回首页", "Back to the home page"),
    "error.400": ("请求的参数有误", "The request's parameters are not valid"),
    "error.404": ("找不到该记录", "No such record"),
    "error.503": ("数据库暂时无法访问,请稍后再试", "The database is not reachable right now; try again shortly"),
}


def text(lang: str, key: str, **values: object) -> str:
    """The page string ``key`` in ``lang``, with ``{name}`` placeholders filled in."""
    zh, en = STRINGS[key]
    chosen = en if lang == "en" else zh
    return chosen.format(**values) if values else chosen


def vocabulary(lang: str, value: object) -> str:
    """The label of a vocabulary code (status, topic …) in ``lang``; other values as they are."""
    if isinstance(value, bool):
        return text(lang, "yes" if value else "no")
    zh, en = label(value)
    return en if lang == "en" else zh


def language(raw: str | None) -> str:
    """The ``?lang=`` of a page: zh when absent, else zh or en."""
    if raw is None or raw == "":
        return "zh"
    if raw not in LANGUAGES:
        raise InvalidQuery(f"lang must be zh or en (got {raw!r})", field="lang")
    return raw


@dataclass(frozen=True)
class Words:
    """What a template needs to speak one language: ``t('key')``, labels, and the lang attribute."""

    lang: str

    @property
    def html_lang(self) -> str:
        return HTML_LANG[self.lang]

    @property
    def other(self) -> str:
        return "zh" if self.lang == "en" else "en"

    def t(self, key: str, **values: object) -> str:
        return text(self.lang, key, **values)

    def label(self, value: object) -> str:
        return vocabulary(self.lang, value)

    def pick(self, zh: str | None, en: str | None) -> str:
        """The text in the page's language, falling back to the other one."""
        return (en or zh or "") if self.lang == "en" else (zh or en or "")

    def pick_lang(self, zh: str | None, en: str | None) -> str:
        """The lang attribute of what :meth:`pick` returns."""
        return "en" if self.lang == "en" and en else "zh-Hans" if zh else "en"

