"""Controlled vocabularies shared by seed validation, the database and both transports.

Each enum member carries its Chinese and English label, so facets and flat exports
can show a human label without a second lookup table.
"""

from enum import StrEnum


class LabelledEnum(StrEnum):
    """A string enum whose members know their zh/en labels (see ``LABELS``)."""

    @property
    def label_zh(self) -> str:
        return LABELS[self.value][0]

    @property
    def label_en(self) -> str:
        return LABELS[self.value][1]


class Topic(LabelledEnum):
    economy = "economy"
    fiscal = "fiscal"
    income = "income"
    industry = "industry"
    digital_economy = "digital_economy"
    services = "services"
    commerce = "commerce"
    tourism = "tourism"
    agriculture = "agriculture"
    innovation = "innovation"
    talent = "talent"
    trade = "trade"
    investment = "investment"
    enterprises = "enterprises"
    finance = "finance"
    reform = "reform"
    opening_up = "opening_up"
    urban = "urban"
    rural = "rural"
    transport = "transport"
    environment = "environment"
    water = "water"
    energy = "energy"
    education = "education"
    health = "health"
    employment = "employment"
    social_security = "social_security"
    elderly_care = "elderly_care"
    childcare = "childcare"
    housing = "housing"
    culture_sports = "culture_sports"
    public_safety = "public_safety"
    governance = "governance"
    civil_affairs = "civil_affairs"
    epidemic = "epidemic"
    poverty_alleviation = "poverty_alleviation"
    livelihood = "livelihood"


class SectionLevel(LabelledEnum):
    part = "part"
    chapter = "chapter"
    topic = "topic"


class ObservationStatus(LabelledEnum):
    actual = "actual"
    target = "target"


class Measure(LabelledEnum):
    level = "level"
    count = "count"
    growth_rate = "growth_rate"
    average_annual_growth_rate = "average_annual_growth_rate"
    change = "change"
    share = "share"
    ratio = "ratio"
    multiple = "multiple"
    ranking = "ranking"


class Scope(LabelledEnum):
    citywide = "citywide"
    city_level = "city_level"


class Qualifier(LabelledEnum):
    at_least = "at_least"
    more_than = "more_than"
    about = "about"
    nearly = "nearly"
    at_most = "at_most"


class Direction(LabelledEnum):
    increase = "increase"
    decrease = "decrease"


class ProjectStatus(LabelledEnum):
    completed = "completed"
    in_progress = "in_progress"
    starting = "starting"
    planned = "planned"
    preparatory = "preparatory"


class LivelihoodStatus(LabelledEnum):
    achieved = "achieved"
    planned = "planned"


class Plan(LabelledEnum):
    fyp14 = "fyp14"
    vision2035 = "vision2035"


class GoalKind(LabelledEnum):
    overall = "overall"
    goal = "goal"
    major_task = "major_task"
    vision = "vision"


class GoalDimension(LabelledEnum):
    development_level = "development_level"
    innovation_momentum = "innovation_momentum"
    urban_rural_quality = "urban_rural_quality"
    ecological_environment = "ecological_environment"
    municipal_governance = "municipal_governance"
    livelihood_wellbeing = "livelihood_wellbeing"


LABELS: dict[str, tuple[str, str]] = {
    # topics
    "economy": ("经济综合", "Economy"),
    "fiscal": ("财政", "Public finance"),
    "income": ("居民收入", "Household income"),
    "industry": ("工业制造业", "Industry and manufacturing"),
    "digital_economy": ("数字经济", "Digital economy"),
    "services": ("服务业", "Services"),
    "commerce": ("商贸消费", "Commerce and consumption"),
    "tourism": ("旅游", "Tourism"),
    "agriculture": ("农业", "Agriculture"),
    "innovation": ("科技创新", "Science and innovation"),
    "talent": ("人才", "Talent"),
    "trade": ("对外贸易", "Foreign trade"),
    "investment": ("投资与招商", "Investment"),
    "enterprises": ("市场主体", "Enterprises"),
    "finance": ("金融", "Finance"),
    "reform": ("改革", "Reform"),
    "opening_up": ("开放合作", "Opening up and cooperation"),
    "urban": ("城市建设", "Urban development"),
    "rural": ("乡村振兴", "Rural revitalization"),
    "transport": ("交通", "Transport"),
    "environment": ("生态环境", "Environment"),
    "water": ("水利与供水", "Water"),
    "energy": ("能源", "Energy"),
    "education": ("教育", "Education"),
    "health": ("卫生健康", "Health"),
    "employment": ("就业", "Employment"),
    "social_security": ("社会保障", "Social security"),
    "elderly_care": ("养老", "Elderly care"),
    "childcare": ("托育", "Childcare"),
    "housing": ("住房", "Housing"),
    "culture_sports": ("文化体育", "Culture and sports"),
    "public_safety": ("公共安全", "Public safety"),
    "governance": ("政府治理", "Governance"),
    "civil_affairs": ("民政与社会事业", "Civil affairs"),
    "epidemic": ("疫情防控", "Epidemic control"),
    "poverty_alleviation": ("扶贫协作", "Poverty alleviation"),
    "livelihood": ("民生实事", "Livelihood projects"),
    # section levels
    "part": ("部分", "Part"),
    "chapter": ("章节", "Chapter"),
    "topic": ("专题", "Topic"),
    # observation status
    "actual": ("实际值", "Actual"),
    "target": ("目标值", "Target"),
    # measures
    "level": ("水平值", "Level"),
    "count": ("数量", "Count"),
    "growth_rate": ("增长率", "Growth rate"),
    "average_annual_growth_rate": ("年均增长率", "Average annual growth rate"),
    "change": ("变化量", "Change"),
    "share": ("占比", "Share"),
    "ratio": ("比值", "Ratio"),
    "multiple": ("倍数", "Multiple"),
    "ranking": ("排名", "Ranking"),
    # scopes
    "citywide": ("全市", "Citywide"),
    "city_level": ("市级", "City level"),
    # qualifiers
    "at_least": ("以上", "At least"),
    "more_than": ("超过", "More than"),
    "about": ("约", "About"),
    "nearly": ("近", "Nearly"),
    "at_most": ("以下", "At most"),
    # directions
    "increase": ("增加", "Increase"),
    "decrease": ("下降", "Decrease"),
    # project status
    "completed": ("已完成", "Completed"),
    "in_progress": ("推进中", "In progress"),
    "starting": ("启动", "Starting"),
    "planned": ("计划", "Planned"),
    "preparatory": ("前期工作", "Preparatory"),
    # livelihood status
    "achieved": ("已实现", "Achieved"),
    # plans
    "fyp14": ("“十四五”规划", "14th Five-Year Plan (2021–2025)"),
    "vision2035": ("2035年远景目标", "2035 long-range vision"),
    # goal kinds
    "overall": ("总体目标", "Overall goal"),
    "goal": ("主要目标", "Main goal"),
    "major_task": ("重大任务", "Major task"),
    "vision": ("远景目标", "Vision"),
    # goal dimensions
    "development_level": ("发展能级显著提升", "Development level markedly raised"),
    "innovation_momentum": ("创新动能充分激活", "Innovation momentum fully unleashed"),
    "urban_rural_quality": ("城乡品质独具魅力", "Distinctive urban and rural quality"),
    "ecological_environment": ("生态环境持续向好", "Environment keeps improving"),
    "municipal_governance": ("市域治理加速优化", "City governance optimized faster"),
    "livelihood_wellbeing": ("民生保障更有温度", "Warmer livelihood security"),
}


def label(value: object) -> tuple[str, str]:
    """The zh/en label of a vocabulary code; any other value labels itself."""
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    return LABELS.get(text, (text, text))
