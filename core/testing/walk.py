"""A club made by every scenario template, lived in by a member (joined, registered, ordered, voted, filed a
complaint, flagged a reply), and a walk through its pages link by link as a visitor would: the world of the tests
that hold every page of the core and of every plugin to a rule (Chinese words, axe-core)."""

from __future__ import annotations

import html
import re
from collections import Counter, deque
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urldefrag, urlsplit

from starlette.testclient import TestClient

from core.accounts.models import Role
from core.testing import Member, make_circle, register

CHINESE = {"Accept-Language": "zh-CN"}
TEMPLATES = ("customer-club", "meeting-kit", "flyer-campaign", "customer_survey", "welcome")
# Not pages: files, feeds, pictures, the API, and what ends the visit
SKIP = (
    "/static/",
    "/uploads/",
    "/api/",
    "/logout",
    "/share-card.png",
    ".svg",
    ".png",
    ".csv",
    ".ics",
    ".gif",
    "/feed",
    "/qr",
    "/poster",
    "/v.gif",
    "/track",
)
_ANSWERS = {"answers": {"name": "李小梅", "organisation": "宁夏葡萄酒协会", "phone": "13812345678"}}
SAME_SHAPE = 2  # pages of one shape a visitor opens (/t/N: two threads tell what all do)


@dataclass
class Club:
    admin: Member  # the site's administrator, who owns no circle
    owner: Member  # the owner of every circle
    member: Member
    slugs: set[str]
    made: list[str]  # the pages of what the templates and the member made: a meeting, a ticket, an order...

    def starts(self, who: Member | None) -> list[str]:
        """Where a visitor's walk begins: the home page, every circle and what was made in them (each visitor
        reaches what they may see), and a member's own pages; the administrator's, the admin area."""
        if who is self.admin:
            return ["/admin", "/review", "/moderation-log"]
        everywhere = ["/", "/search?q=品鉴", *(f"/c/{slug}" for slug in sorted(self.slugs)), *self.made]
        if who is None:
            return [*everywhere, "/login", "/register", "/forgot", "/complaints/track"]
        mine = [*everywhere, "/settings", "/notifications", "/me/orders", "/review"]
        return [*mine, "/c/club/templates?applied=customer-club"] if who is self.owner else mine


def created(site: TestClient, owner: Member, slug: str) -> list[tuple[str, str]]:
    """What the templates applied to circle ``slug`` made: (kind, page) pairs, ``("meeting", "/meetings/1")``."""
    found = site.get(f"/api/v1/circles/{slug}/templates", headers=owner.auth).json()
    return [
        (item["kind"], str(item["url"]).split("#")[0])
        for template in found["items"]
        for use in template["applied"]
        for item in use["created"]
    ]


def _meeting_id(site: TestClient, owner: Member) -> str:
    page = next(page for kind, page in created(site, owner, "club1") if kind == "meeting")
    return page.rsplit("/", 1)[1]


def _ok(response: Any, status: int = 201) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def build_club(site: TestClient) -> Club:
    """The club ``品鉴俱乐部`` (``club``, the customer club) and a circle per other template (``club1``...), owned by
    ``会长``; ``会员小李`` joins three and uses what they offer; ``站长`` runs the site. The templates write in
    Chinese; the accounts have no language of their own, so that each page speaks the language the browser asks
    for."""
    admin = register(site, "站长", Role.ADMIN)
    owner, member = register(site, "会长"), register(site, "会员小李")
    make_circle(site, owner, "club", name="品鉴俱乐部", description="宁夏葡萄酒爱好者")
    made: list[str] = []
    for index, name in enumerate(TEMPLATES):
        slug = "club" if name == "customer-club" else f"club{index}"
        if slug != "club":
            make_circle(site, owner, slug, name=f"圈子{index}", description="我们的圈子")
        _ok(site.post(f"/api/v1/circles/{slug}/templates/{name}", json={}, headers={**owner.auth, **CHINESE}))
        made += [page for _, page in created(site, owner, slug)]
    for flyer in [path for path in made if re.fullmatch(r"/f/\w+", path)]:  # its landing page, published
        _ok(site.post(f"/api/v1/flyers/{flyer[3:]}/publish", headers=owner.auth), 200)
    for slug in ("club", "club1", "club3"):
        site.post(f"/api/v1/circles/{slug}/join", headers=member.auth)
    made += _live_in(site, owner, member)
    slugs = {circle["slug"] for circle in site.get("/api/v1/circles?limit=100", headers=owner.auth).json()["items"]}
    return Club(admin=admin, owner=owner, member=member, slugs=slugs, made=list(dict.fromkeys(made)))


def _live_in(site: TestClient, owner: Member, member: Member) -> list[str]:
    """What a member does in a club, so that their own pages (a ticket, an order, a case) and the owner's queues
    have something in them; the pages of what was made."""
    made: list[str] = []
    soon = datetime.now(UTC) + timedelta(days=5)
    meeting = _ok(site.get("/api/v1/events?circle=club1", headers=owner.auth), 200)["items"][0]
    ticket = _ok(site.post(f"/api/v1/events/{meeting['id']}/registrations", json=_ANSWERS, headers=member.auth), 200)
    notice = {"title": "会场变更", "body": "改到二楼报告厅"}
    sent = _ok(site.post(f"/api/v1/meetings/{_meeting_id(site, owner)}/notices", json=notice, headers=owner.auth))
    made += [ticket["ticket_url"], f"/events/{meeting['id']}/checkin/{ticket['code']}", sent["url"]]
    product = {"name": "贺兰山干红", "description": "2021 年份", "price": "88", "stock": 20}
    wine = _ok(site.post("/api/v1/circles/club/products", json=product, headers=owner.auth))
    order = _ok(site.post(f"/api/v1/products/{wine['id']}/orders", json={"quantity": 1}, headers=member.auth))
    together = {"product_id": wine["id"], "price": "68", "min_count": 3, "max_count": 10, "deadline": soon.isoformat()}
    group_buy = _ok(site.post("/api/v1/circles/club/group-buys", json=together, headers=owner.auth))
    _ok(site.post(f"/api/v1/group-buys/{group_buy['id']}/join", json={"quantity": 1}, headers=member.auth))
    made += [wine["url"], f"/orders/{order['id']}", f"/t/{group_buy['thread_id']}"]
    poll = {"title": "下次品鉴哪一款？", "options": ["赤霞珠", "霞多丽"]}
    started = _ok(site.post("/api/v1/circles/club/polls", json=poll, headers=owner.auth))
    _ok(site.post(f"/api/v1/polls/{started['id']}/vote", json={"choices": [0]}, headers=member.auth), 200)
    made.append(f"/t/{started['thread_id']}")
    complaint = {
        "subject": "酒瓶破损",
        "body": "收到时瓶口漏了",
        "contact_name": "小李",
        "contact_email": "li@example.com",
    }
    case = _ok(site.post("/api/v1/circles/club/complaints", json=complaint, headers=member.auth))
    made += [f"/complaints/{case['number']}", case["tracking_url"]]
    tasting = {
        "title": "周五品鉴会",
        "body": "六款干红",
        "starts_at": soon.isoformat(),
        "ends_at": (soon + timedelta(hours=2)).isoformat(),
    }
    event = _ok(site.post("/api/v1/circles/club/events", json=tasting, headers=owner.auth))
    made.append(f"/t/{event['thread_id']}")
    thread = _ok(
        site.post("/api/v1/circles/club/threads", json={"title": "新人报到", "body": "大家好"}, headers=member.auth)
    )
    spam = _ok(site.post(f"/api/v1/threads/{thread['id']}/posts", json={"body": "加我微信买酒"}, headers=owner.auth))
    _ok(site.post(f"/api/v1/posts/{spam['id']}/flags", json={"reason": "spam"}, headers=member.auth))
    made.append(f"/t/{thread['id']}")
    return [urlsplit(url).path if url.startswith("http") else url for url in made]


def walk(site: TestClient, headers: dict[str, str], starts: list[str], limit: int = 300) -> dict[str, str]:
    """The pages (path: HTML) a visitor reaches from ``starts`` by following links, at most ``limit`` of them and
    ``SAME_SHAPE`` of each shape, never leaving the part of the site where the first starts (the admin area: only
    its pages); ``headers`` say who they are and what language their browser asks for."""
    within = "/admin" if starts[0].startswith("/admin") else "/"
    queue, seen = deque(starts), set(starts)
    pages: dict[str, str] = {}
    shapes: Counter[str] = Counter()
    while queue and len(pages) < limit:
        path = queue.popleft()
        response = site.get(path, headers=headers, follow_redirects=False)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages[path] = response.text
        for link in re.findall(r'href="([^"]+)"', response.text):
            target = urldefrag(html.unescape(link))[0]
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not target.startswith(within) or any(part in target for part in SKIP):
                continue
            shape = re.sub(r"\d+|[a-z2-9]{12}", "N", target)
            if (
                re.search(r"[?&](page|after|cursor|lang|next)=", target)
                or target in seen
                or shapes[shape] >= SAME_SHAPE
            ):
                continue
            seen.add(target)
            shapes[shape] += 1
            queue.append(target)
    return pages
