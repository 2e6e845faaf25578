"""What core shows or counts of the apps above it, registered by each app in its
``AppConfig.ready()``: core names no app (``core/tests/test_import_graph.py``).

- **Menu entries** (``register_menu``): the left navigation, in the order of each entry's
  ``order``, each shown when its test of the user's scope passes.
- **User labels** (``register_user_labels``): roles held outside the org tree that the page header
  names beside the org roles (the portal's 资讯编辑@栏目).
- **Members on the org tree** (``register_org_members``): the org pages' member counts and list,
  from the app that keeps the members; orgs sits below it and cannot import it.
- **Member page context** (``register_member_context``): what another app adds to a member's
  archive page (the transfer letter that took a member "已转出" off the platform).
- **Dues paid up to** (``register_dues_paid_up_to``): the first day of the month a member's dues
  are paid up to, for the transfer letter, from the app that keeps the dues (transfers sits below
  it and cannot import it); None where no app keeps them or the member has no record.
- **Bulletin sections** (``register_bulletin_section``): the figures each module offers the
  quarterly bulletin (oversight's 季度通报) for a subtree and a period, per child org.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class MenuEntry:
    """One link of the left navigation: ``url`` is a URL name (reversed with ``args(scope)``) or
    a path beginning with "/"; ``shown(scope)`` decides whether the user sees it; ``section`` is
    the first path segment the entry stands for (the highlighted entry), or the first two
    ("insights/dashboard") for a page under another entry's section; it names the entry."""

    order: int
    label: str
    url: str
    section: str
    shown: Callable
    args: Callable | None = None

    def href(self, scope) -> str:
        if self.url.startswith("/"):
            return self.url
        return reverse(self.url, args=self.args(scope) if self.args else None)


# By section, so that registering twice (a second ready()) replaces rather than repeats.
MENU: dict[str, MenuEntry] = {}


def register_menu(*entries: MenuEntry) -> None:
    for entry in entries:
        MENU[entry.section] = entry


def menu_items(scope) -> list[tuple[str, str, str]]:
    """(label, href, section) of the entries ``scope`` may see, in menu order."""
    return [(e.label, e.href(scope), e.section)
            for e in sorted(MENU.values(), key=lambda e: e.order) if e.shown(scope)]


# name → labels(user): roles on other grant trees, as "角色@节点" strings.
USER_LABELS: dict[str, Callable] = {}


def register_user_labels(name: str, labels: Callable) -> None:
    USER_LABELS[name] = labels


def user_labels(user) -> list[str]:
    return [label for labels in USER_LABELS.values() for label in labels(user)]


@dataclass(frozen=True)
class OrgMembers:
    """The members on the org tree, as the org pages count and list them (every count is of
    active members, 正式 and 预备):

    - ``per_subtree(orgs, user)``: ``{org pk: {"members": n}}`` for each listed org's subtree, as
      far as ``user`` sees them, in one query;
    - ``subtree_total(path)``: the members in the subtree at ``path``, unscoped;
    - ``structure(path)``: ``{"members": n, "full_members": n}`` in the subtree at ``path``;
    - ``listed(org, user)``: the org's own members that ``user`` sees, by name (a queryset)."""

    per_subtree: Callable
    subtree_total: Callable
    structure: Callable
    listed: Callable


_ORG_MEMBERS: dict[str, OrgMembers] = {}


def register_org_members(provider: OrgMembers) -> None:
    _ORG_MEMBERS["members"] = provider


def org_members() -> OrgMembers:
    return _ORG_MEMBERS["members"]


# name → value(user, member): template context another app adds to a member's archive page.
MEMBER_CONTEXT: dict[str, Callable] = {}


def register_member_context(name: str, value: Callable) -> None:
    MEMBER_CONTEXT[name] = value


def member_context(user, member) -> dict:
    return {name: value(user, member) for name, value in MEMBER_CONTEXT.items()}


# member (or its id) → the first day of the month paid up to, or None.
_PAID_UP_TO: dict[str, Callable] = {}


def register_dues_paid_up_to(provider: Callable) -> None:
    _PAID_UP_TO["dues"] = provider


def dues_paid_up_to(member):
    provider = _PAID_UP_TO.get("dues")
    return provider(member) if provider else None


# --- the rules the platform enforces ---------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One rule the platform enforces, as the rules page lists it (orgs.views.rules): ``text``
    says it in Chinese, ``source`` names the regulation and article. A local rule names its
    ``setting`` (an OrgSetting key, inherited down the tree) with its ``default``; ``labels``
    turns a setting's value into words where it is a code. A local rule without a setting — a
    value the platform fixes in code where no regulation sets one — says so with ``platform``."""

    key: str
    module: str
    text: str
    source: str
    setting: str = ""
    default: object = None
    unit: str = ""
    labels: dict | None = None
    platform: bool = False

    @property
    def local(self) -> bool:
        """A local rule with its setting, per org and inherited down the tree."""
        return bool(self.setting)

    @property
    def national(self) -> bool:
        """A national rule; not one a region sets (with a setting, or a platform value in code)."""
        return not self.setting and not self.platform

    def shown(self, value) -> str:
        if isinstance(value, bool):
            return "是" if value else "否"
        if isinstance(value, list):
            return "、".join(self.shown(v) for v in value)
        if self.labels and value in self.labels:
            return str(self.labels[value])
        return f"{value}{self.unit}"


# By key, in registration order (each app registers its module's rules in its ready()).
RULES: dict[str, Rule] = {}
RULE_MODULES: list[str] = []


def register_rules(*rules: Rule) -> None:
    for rule in rules:
        RULES[rule.key] = rule
        if rule.module not in RULE_MODULES:
            RULE_MODULES.append(rule.module)


def rules_by_module() -> list[tuple[str, list[Rule]]]:
    return [(module, [r for r in RULES.values() if r.module == module]) for module in RULE_MODULES]


# --- the system administrator's page ---------------------------------------------------------------

@dataclass(frozen=True)
class SystemPanel:
    """A part of the system administrator's page (core.views.system) that another app adds: its
    template, rendered with ``panel`` set to what ``context()`` returns (ops: the backups)."""

    template: str
    context: Callable


SYSTEM_PANELS: list[SystemPanel] = []


def register_system_panel(template: str, context: Callable) -> None:
    if all(panel.template != template for panel in SYSTEM_PANELS):
        SYSTEM_PANELS.append(SystemPanel(template, context))


def system_panels() -> list[dict]:
    return [{"template": panel.template, "context": panel.context()} for panel in SYSTEM_PANELS]


# --- the quarterly bulletin's figures (oversight's 季度通报) ---------------------------------------------

@dataclass(frozen=True)
class BulletinPart:
    """One section of a bulletin as a module computes it for a period: ``columns`` (key, label)
    of the figures, ``rows`` {child org pk: {key: figure}} for each child org of the bulletin's
    org, ``total`` the org's whole subtree, ``rank_by`` the column the children are ranked on
    (``higher_better`` says which way; None: not ranked), ``text`` the sentence the draft starts
    with, ``basis`` the 统计口径 (the table and the conditions counted)."""

    columns: list[tuple[str, str]]
    rows: dict[int, dict]
    total: dict
    basis: str
    text: str
    rank_by: str | None = None
    higher_better: bool = True


@dataclass(frozen=True)
class BulletinSection:
    """What a module offers a bulletin: ``compute(root, children, start, end, as_of)`` returns a
    ``BulletinPart`` for ``root``'s subtree (``children``: its child orgs, groups excluded), the
    events between ``start`` and ``end`` (the quarter's first and last day) and the states as of
    ``as_of`` (the quarter's last day, or today within the quarter). Sections appear by ``order``."""

    key: str
    order: int
    title: str
    compute: Callable


BULLETIN_SECTIONS: dict[str, BulletinSection] = {}


def register_bulletin_section(section: BulletinSection) -> None:
    BULLETIN_SECTIONS[section.key] = section


def bulletin_sections() -> list[BulletinSection]:
    return sorted(BULLETIN_SECTIONS.values(), key=lambda section: section.order)
