"""Shared test personas (healthchecks' hc/test.py): a small city with two districts, and one user
of every kind. Tests build it with ``make_world()`` or the ``world`` fixture."""

import html
import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html.parser import HTMLParser

from django.test import Client
from django.utils import timezone

from accounts.models import Grant, User
from accounts.services import admin_grant
from core.access import Role
from core.context import acting_as
from members import services as member_services
from members.models import Member, MemberStatus
from orgs import bulk
from orgs.bulk import Node
from orgs.models import Org, OrgKind, OrgLevel, Sector

PASSWORD = "Test@Passw0rd"

# A clear ID or mobile number in text a test scans. The look-arounds keep a run of digits inside a
# longer token (a hex digest, a ciphertext) from counting: an 18-digit run turns up in a random
# 64-character hex string now and then, which made these scans fail by chance.
CLEAR_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
CLEAR_PHONE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")

# Checksum-valid ID numbers (GB 11643) for the personas' members.
ID_NUMBERS = {
    "a1_member": "11010519491231002X",
    "a1_secretary": "120101198503020018",
    "a2_member": "120101199001010025",
    "b1_member": "120103198806060036",
}


@dataclass
class World:
    city: Org
    district_a: Org
    street_a: Org
    branch_a1: Org
    group_a1: Org
    branch_a2: Org
    district_b: Org
    branch_b1: Org
    members: dict
    users: dict

    def client(self, name: str) -> Client:
        client = Client()
        client.force_login(self.users[name])
        return client


def make_user(username: str, *, role=None, org=None, **extra) -> User:
    user = User(username=username, full_name=extra.pop("full_name", username), must_change_password=False,
                password_changed_at=timezone.now(), **extra)
    user.set_password(PASSWORD)
    user.save()
    if role in (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR):
        admin_grant(user=user, role=role)
    elif role is not None:
        Grant.objects.create(user=user, role=role, org=org)
    return user


def api_client(username: str) -> Client:
    """A client of the API with a bearer token of ``username`` (password PASSWORD)."""
    response = Client().post("/api/v1/auth/token", {"username": username, "password": PASSWORD},
                             content_type="application/json")
    assert response.status_code == 200, response.content
    return Client(headers={"Authorization": f"Bearer {response.json()['token']}"})


def make_world() -> World:
    founded = date(2000, 1, 1)
    city = Node("中共天津市委员会", "TJ", OrgKind.COMMITTEE, OrgLevel.CITY, founded=date(1949, 1, 15))
    district_a = Node("中共天津市和平区委员会", "HP", OrgKind.COMMITTEE, OrgLevel.DISTRICT, founded=founded)
    street_a = Node("小白楼街道党工委", "HP01", OrgKind.WORKING_COMMITTEE, OrgLevel.STREET, Sector.COMMUNITY,
                    founded=founded)
    branch_a1 = Node("朝阳里社区第一党支部", "HP01B01", OrgKind.BRANCH, sector=Sector.COMMUNITY, founded=founded)
    branch_a1.add(Node("第一党小组", "HP01B01G1", OrgKind.GROUP, sector=Sector.COMMUNITY, founded=founded))
    branch_a2 = Node("朝阳里社区第二党支部", "HP01B02", OrgKind.BRANCH, sector=Sector.COMMUNITY, founded=founded)
    street_a.add(branch_a1)
    street_a.add(branch_a2)
    district_a.add(street_a)
    district_b = Node("中共天津市河西区委员会", "HX", OrgKind.COMMITTEE, OrgLevel.DISTRICT, founded=founded)
    district_b.add(Node("友谊路社区党支部", "HX01B01", OrgKind.BRANCH, sector=Sector.COMMUNITY, founded=founded))
    city.add(district_a)
    city.add(district_b)
    orgs = bulk.build([city])

    users = {
        "sysadmin": make_user("sysadmin", role=Role.SYSADMIN),
        "secadmin": make_user("secadmin", role=Role.SECADMIN),
        "auditor": make_user("auditor", role=Role.AUDITOR),
        "city_admin": make_user("city_admin", role=Role.ORG_ADMIN, org=orgs["TJ"]),
        "a_admin": make_user("a_admin", role=Role.ORG_ADMIN, org=orgs["HP"]),
        "b_admin": make_user("b_admin", role=Role.ORG_ADMIN, org=orgs["HX"]),
        "secretary": make_user("secretary", role=Role.SECRETARY, org=orgs["HP01B01"]),
        "member": make_user("member"),
        "outsider": make_user("outsider"),
    }
    members = {}
    with acting_as(users["city_admin"]):
        for key, org_code, number, name in [
            ("a1_member", "HP01B01", ID_NUMBERS["a1_member"], "张秀英"),
            ("a1_secretary", "HP01B01", ID_NUMBERS["a1_secretary"], "李建国"),
            ("a2_member", "HP01B02", ID_NUMBERS["a2_member"], "王芳"),
            ("b1_member", "HX01B01", ID_NUMBERS["b1_member"], "赵志强"),
        ]:
            members[key] = member_services.member_create(
                actor=users["city_admin"], org=orgs[org_code], name=name, id_number=number,
                status=MemberStatus.FULL, joined=date(2010, 7, 1),
            )
    Member.objects.filter(pk=members["a1_member"].pk).update(user=users["member"])
    Member.objects.filter(pk=members["a1_secretary"].pk).update(user=users["secretary"])
    for user in users.values():
        user.refresh_from_db()
    return World(
        city=orgs["TJ"], district_a=orgs["HP"], street_a=orgs["HP01"], branch_a1=orgs["HP01B01"],
        group_a1=orgs["HP01B01G1"], branch_a2=orgs["HP01B02"], district_b=orgs["HX"],
        branch_b1=orgs["HX01B01"], members=members, users=users,
    )


def run_in_threads(count: int, target):
    """Run ``target(i)`` in ``count`` threads released together (a barrier), each on its own
    database connection; return (results, exceptions). For PostgreSQL concurrency tests."""
    import threading

    from django.db import connections

    barrier = threading.Barrier(count)
    errors, results = [], []

    def worker(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors


def pdf_bytes(catalog: str = "", objects: tuple[str, ...] = ()) -> bytes:
    """A valid one-page PDF (its cross-reference offsets right), ``catalog`` added to the catalog
    dictionary and ``objects`` numbered from 4 after the page."""
    bodies = [f"<</Type/Catalog/Pages 2 0 R{catalog}>>", "<</Type/Pages/Kids[3 0 R]/Count 1>>",
              "<</Type/Page/Parent 2 0 R/MediaBox[0 0 72 72]>>", *objects]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(bodies, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<</Size {len(bodies) + 1}/Root 1 0 R>>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


class HtmlInspector(HTMLParser):
    """Collects every executable or inline-styled thing a page contains: what the strict CSP
    (core.middleware.CSP) would block or what would run — inline scripts and styles, event-handler
    attributes, script URLs, foreign tags. Feed it a page; ``problems`` lists what it found.
    ``images``: the URL prefixes an <img> may load from (None: any of the platform's own)."""

    OWN_SCRIPT = ("/static/",)
    FORBIDDEN_TAGS = {"iframe", "object", "embed", "svg", "math", "style", "base", "frame", "applet"}
    URL_ATTRS = {"href", "src", "action", "data", "formaction", "xlink:href", "background", "poster"}
    images: tuple[str, ...] | None = None

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self._in_script = [], False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not (attrs.get("src") or "").startswith(self.OWN_SCRIPT):
                self.problems.append(("script", attrs))
        if tag == "meta" and "charset" not in attrs and attrs.get("name") not in ("viewport", "htmx-config"):
            self.problems.append(("meta", attrs))
        elif tag in self.FORBIDDEN_TAGS:
            self.problems.append((tag, attrs))
        for name, value in attrs.items():
            if name.startswith("on") or name == "style":
                self.problems.append((tag, name, value))
            if name in self.URL_ATTRS and value:
                squashed = "".join(html.unescape(value).split()).lower()
                if squashed.startswith(("javascript:", "vbscript:", "data:text", "//")) or "evil.example" in squashed:
                    self.problems.append((tag, name, value))
        if tag == "img" and not self._own_image(attrs.get("src") or ""):
            self.problems.append(("img", attrs))

    def _own_image(self, src: str) -> bool:
        if self.images is not None:
            return src.startswith(self.images)
        return src.startswith(("/", "data:image/")) and not src.startswith("//")

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.problems.append(("inline script", data[:80]))

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False


def inspect_html(content: str, inspector_class=HtmlInspector) -> list:
    inspector = inspector_class()
    inspector.feed(content)
    return inspector.problems


def refusal_text(response) -> str:
    """What a 422 of the API says: its detail, and each field's message (a schema names the field
    there, a service also in the detail)."""
    body = response.json()
    return "；".join([body["detail"], *(error["msg"] for error in body.get("errors", []))])


def check_after_each_call(monkeypatch, services: dict, differences) -> Counter:
    """Wrap every named service (``{module: names}``) so that after each call ``differences()``
    (the summary tables against the records) must be empty; returns the calls made per name.
    The summary tests walk every writing service through it."""
    calls: Counter = Counter()

    def checking(name, service):
        def call(*args, **kwargs):
            result = service(*args, **kwargs)
            calls[name] += 1
            assert differences() == [], f"after {name}"
            return result
        return call
    for module, names in services.items():
        for name in names:
            monkeypatch.setattr(module, name, checking(name, getattr(module, name)))
    return calls


# --- data loaded once for a run of tests (the demos) --------------------------------------------------

class SharedData:
    """Data that takes a minute to load (the demos), loaded once for a run of consecutive tests
    that ask for its fixture, in a transaction of its own that each test's transaction nests in
    (a savepoint: what a test writes is rolled back after it, the data stays), and rolled back after
    the last test of the run. The root conftest puts the tests of each shared data set next to each
    other, after the others (``pytest_collection_modifyitems``), and rolls the data back when the
    next test does not ask for it (``pytest_runtest_teardown``): each pytest worker loads each data
    set once. ``load()`` returns what the fixture gives the tests (the command's output)."""

    def __init__(self, name: str, load):
        self.name, self.load, self.value = name, load, None
        self.atomic = self.blocker = None

    def enter(self, blocker):
        if self.atomic is None:
            from django.db import transaction

            self.blocker = blocker
            with blocker.unblock():
                self.atomic = transaction.atomic()
                self.atomic.__enter__()
                self.value = self.load()
        return self.value

    def leave(self) -> None:
        if self.atomic is None:
            return
        from django.db import transaction

        with self.blocker.unblock():
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)
        self.atomic = self.value = None


SHARED_DATA: dict[str, SharedData] = {}


def shared_fixture(name: str, load):
    """A module-scoped fixture ``name`` giving the shared data set ``load()`` makes (SharedData).
    Module scope: it is set up before any test's own transaction begins."""
    import pytest

    shared = SHARED_DATA.setdefault(name, SharedData(name, load))

    @pytest.fixture(scope="module", name=name)
    def fixture(django_db_setup, django_db_blocker):
        return shared.enter(django_db_blocker)
    return fixture


def load_small_demo() -> str:
    """The demo (`dangjian demo`) with 1,500 members, as the apps' demo tests check it."""
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("demo", members=1500, stdout=out)
    return out.getvalue()


small_demo = shared_fixture("small_demo", load_small_demo)
