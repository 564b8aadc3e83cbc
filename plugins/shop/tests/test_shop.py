"""The shop through HTTP: products and money as decimal yuan, orders against stock under a rush (SQLite and
PostgreSQL), the order's life and who may move it, expiry, a double tap, group buys settled by their job, the
managers' list with totals and CSV, and the privacy of a private circle's shop."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest
from PIL import Image
from starlette.testclient import TestClient

from core.testing import (
    Member,
    another_browser,
    at_once,
    jobs_of,
    make_circle,
    register,
    run_job_now,
    sign_in,
    wait_for_jobs,
)
from core.testing.audiences import audience_people, check_audience
from plugins.shop.fees import FEE
from plugins.shop.models import Membership, Order
from plugins.shop.service import ORDER

SAFE = "bcdghjkpqtvwxz"  # letters no other letter or pair looks like (the site refuses look-alike names)


@pytest.fixture
def site(quanzi_site: Any) -> TestClient:
    client = quanzi_site(plugins=["shop"])
    client.headers["accept-language"] = "en"
    return client


@pytest.fixture
def club(site: TestClient) -> tuple[Member, Member]:
    owner, member = register(site, "owner"), register(site, "mei")
    make_circle(site, owner, "wine")
    assert site.post("/api/v1/circles/wine/join", headers=member.auth).status_code == 200
    return owner, member


def product(client: TestClient, owner: Member, slug: str = "wine", **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Ningxia Cabernet 2019 宁夏赤霞珠",
        "description": "Dark fruit, **oak**.",
        "price": "88.00",
        "stock": 10,
        **fields,
    }
    response = client.post(f"/api/v1/circles/{slug}/products", json=body, headers=owner.auth)
    assert response.status_code == 201, response.text
    return response.json()  # type: ignore[no-any-return]


def order(client: TestClient, buyer: Member, product_id: int, **fields: Any) -> httpx2.Response:
    return client.post(f"/api/v1/products/{product_id}/orders", json={"quantity": 1, **fields}, headers=buyer.auth)


def stock(client: TestClient, product_id: int, viewer: Member) -> Any:
    return client.get(f"/api/v1/products/{product_id}", headers=viewer.auth).json()["stock_available"]


def crowd(client: TestClient, slug: str, count: int, prefix: str) -> list[Member]:
    people = []
    for index in range(count):
        person = register(client, prefix + SAFE[index // len(SAFE)] + SAFE[index % len(SAFE)])
        assert client.post(f"/api/v1/circles/{slug}/join", headers=person.auth).status_code == 200
        people.append(person)
    return people


def test_an_orders_and_a_fees_audience_is_the_buyer_the_circles_staff_and_the_sites_administrators(site):
    """Never a site moderator as such: every rendering of ORDER and FEE, and every page and API call of an order or
    the shop's lists, follow the one table."""
    owner = register(site, "owner")
    make_circle(site, owner, "club")
    make_circle(site, owner, "members", visibility="private", join_policy="approval")
    people = audience_people(site, "club", owner)
    people["buyer"] = buyer = register(site, "buyer")
    assert site.post("/api/v1/circles/club/join", headers=buyer.auth).status_code == 200
    fee = product(
        site,
        owner,
        "club",
        name="Annual fee",
        price="200.00",
        stock=None,
        membership_circle="members",
        membership_days=365,
    )
    bought = order(site, buyer, fee["id"], note="Ring twice").json()
    assert site.post(f"/api/v1/orders/{bought['id']}/paid", headers=owner.auth).status_code == 200
    sees = {"buyer", "owner", "moderator", "admin"}
    staff = sees - {"buyer"}
    check_audience(site, ORDER, Order, people, sees=sees, id=bought["id"])
    check_audience(site, FEE, Membership, people, sees=sees, user__username="buyer")
    for name, person in people.items():
        headers = person.auth if person else {}
        seen = site.get(f"/api/v1/orders/{bought['id']}", headers=headers)
        assert seen.status_code == (200 if name in sees else 404 if person else 401), name
        page = site.get(f"/orders/{bought['id']}", headers=headers, follow_redirects=False)
        assert (page.status_code == 200) == (name in sees) and ("Ring twice" in page.text) == (name in sees), name
        for listing in ("/api/v1/circles/club/orders", "/c/club/orders", "/api/v1/circles/club/memberships"):
            answer = site.get(listing, headers=headers, follow_redirects=False)
            assert (answer.status_code == 200) == (name in staff), (name, listing)
            assert "Ring twice" not in answer.text or name in staff
    for name in sorted(people, key=lambda name: name in staff):  # the others try first; then the staff may
        person = people[name]
        fulfilled = site.post(f"/api/v1/orders/{bought['id']}/fulfilled", headers=person.auth if person else {})
        assert fulfilled.status_code in ((200, 409) if name in staff else (401, 403, 404)), name
    assert site.get(f"/api/v1/orders/{bought['id']}", headers=buyer.auth).json()["status"] == "fulfilled"


def test_a_product_keeps_its_price_in_yuan_and_an_order_takes_stock(site, club):
    owner, member = club
    wine = product(site, owner)
    assert wine["price"] == "88.00" and wine["stock_available"] == 10 and wine["circle"]["slug"] == "wine"
    placed = order(site, member, wine["id"], quantity=3, note="for the tasting")
    assert placed.status_code == 201, placed.text
    body = placed.json()
    assert body["status"] == "pending_payment" and body["total"] == "264.00" and len(body["pickup_code"]) == 8
    assert stock(site, wine["id"], member) == 7
    mine = site.get("/api/v1/me/orders", headers=member.auth).json()["items"]
    assert [item["id"] for item in mine] == [body["id"]]
    told = [item["kind"] for item in site.get("/api/v1/notifications", headers=owner.auth).json()["items"]]
    assert told == ["shop.order_placed"]
    page = site.get(f"/products/{wine['id']}", headers=member.auth).text
    assert "¥88.00" in page and "<strong>oak</strong>" in page


@pytest.mark.parametrize(
    ("fields", "error"),
    [({"price": "88.123"}, "price"), ({"price": "-1"}, "price"), ({"price": "eighty"}, "price"),
     ({"name": ""}, "name"), ({"stock": -1}, "stock"), ({"per_member_limit": 0}, "per_member_limit")],
)  # fmt: skip
def test_bad_products_are_refused(site, club, fields, error):
    owner, _ = club
    response = site.post(
        "/api/v1/circles/wine/products", json={"name": "Wine", "price": "1", **fields}, headers=owner.auth
    )
    assert response.status_code == 400 and error in response.json()["error"]["fields"]
    assert site.get("/api/v1/circles/wine/products", headers=owner.auth).json()["items"] == []


@pytest.mark.parametrize("quantity", [0, -2, 1.5, "two", True])
def test_a_bad_quantity_is_refused_and_changes_nothing(site, club, quantity):
    owner, member = club
    wine = product(site, owner)
    response = order(site, member, wine["id"], quantity=quantity)
    assert response.status_code == 400 and "quantity" in response.json()["error"]["fields"]
    assert stock(site, wine["id"], member) == 10


def test_over_the_stock_or_the_limit_is_a_conflict_that_changes_nothing(site, club):
    owner, member = club
    wine = product(site, owner, stock=2, per_member_limit=3)
    over = order(site, member, wine["id"], quantity=3)
    assert over.status_code == 409 and over.json()["error"]["code"] == "out_of_stock"
    assert order(site, member, wine["id"], quantity=2).status_code == 201
    unlimited = product(site, owner, name="Tasting glass", stock=None, per_member_limit=2)
    assert order(site, member, unlimited["id"], quantity=2).status_code == 201
    limited = order(site, member, unlimited["id"], quantity=1)
    assert limited.status_code == 409 and limited.json()["error"]["code"] == "over_limit"
    assert site.get("/api/v1/me/orders", headers=member.auth).json()["items"][0]["quantity"] == 2


def test_thirty_parallel_orders_for_ten_bottles_make_exactly_ten(site, club):
    owner, _ = club
    wine = product(site, owner, stock=10)
    buyers = crowd(site, "wine", 30, "b")

    async def buy(http: httpx2.AsyncClient, index: int) -> httpx2.Response:
        return await http.post(
            f"/api/v1/products/{wine['id']}/orders", json={"quantity": 1}, headers=buyers[index].auth
        )

    codes = sorted(response.status_code for response in at_once(site, 30, buy))
    assert codes == [201] * 10 + [409] * 20
    assert stock(site, wine["id"], owner) == 0
    assert len(site.get("/api/v1/circles/wine/orders", headers=owner.auth).json()["items"]) == 10


def test_a_double_tap_makes_one_order(site, club):
    owner, member = club
    wine = product(site, owner)

    async def tap(http: httpx2.AsyncClient, index: int) -> httpx2.Response:
        return await http.post(
            f"/api/v1/products/{wine['id']}/orders", json={"quantity": 2, "request_key": "form-1"}, headers=member.auth
        )

    responses = at_once(site, 5, tap)
    assert {response.json()["id"] for response in responses} == {responses[0].json()["id"]}
    assert stock(site, wine["id"], member) == 8


def test_the_life_of_an_order_and_who_moves_it(site, club):
    owner, member = club
    wine = product(site, owner, stock=5)
    first = order(site, member, wine["id"], quantity=2).json()
    assert site.post(f"/api/v1/orders/{first['id']}/paid", headers=member.auth).status_code == 403
    paid = site.post(f"/api/v1/orders/{first['id']}/paid", headers=owner.auth)
    assert paid.status_code == 200 and paid.json()["status"] == "paid"
    assert site.post(f"/api/v1/orders/{first['id']}/cancel", headers=member.auth).status_code == 403  # paid
    done = site.post(f"/api/v1/orders/{first['id']}/fulfilled", headers=owner.auth).json()
    assert done["status"] == "fulfilled" and [step["status"] for step in done["history"]] == [
        "pending_payment",
        "paid",
        "fulfilled",
    ]
    again = site.post(f"/api/v1/orders/{first['id']}/cancel", headers=owner.auth)
    assert again.status_code == 409 and again.json()["error"]["code"] == "not_allowed"
    second = order(site, member, wine["id"], quantity=3).json()
    assert stock(site, wine["id"], member) == 0
    both = at_once(site, 4, lambda http, i: http.post(f"/api/v1/orders/{second['id']}/cancel", headers=member.auth))
    assert sorted(response.status_code for response in both)[0] == 200
    assert stock(site, wine["id"], member) == 3  # given back exactly once
    told = site.get("/api/v1/notifications", headers=member.auth).json()["items"]
    kinds = [item["kind"] for item in told]  # paid and picked up, each in its own words; not their own cancelling
    assert sorted(kind for kind in kinds if kind.startswith("shop.order")) == [
        "shop.order_fulfilled",
        "shop.order_paid",
    ]
    texts = " ".join(item["text"] for item in told)
    assert "Payment received for your order of" in texts and "is picked up" in texts


def test_an_unpaid_order_expires_and_its_stock_comes_back_once(site, club):
    owner, member = club
    wine = product(site, owner, stock=4)
    placed = order(site, member, wine["id"], quantity=4).json()
    (key,) = jobs_of(site, "shop.expire")

    async def overdue() -> None:
        from plugins.shop.models import Order

        await Order.filter(id=placed["id"]).update(expires_at=datetime.now(UTC) - timedelta(seconds=1))

    site.portal.call(overdue)
    run_job_now(site, key)
    wait_for_jobs(site)
    assert site.get(f"/api/v1/orders/{placed['id']}", headers=member.auth).json()["status"] == "cancelled"
    assert stock(site, wine["id"], member) == 4


def test_a_group_buy_succeeds_or_fails_at_its_deadline_once(site, club):
    owner, member = club
    wine = product(site, owner, stock=20)
    deadline = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    bad = site.post(
        "/api/v1/circles/wine/group-buys",
        headers=owner.auth,
        json={"product_id": wine["id"], "price": "68.00", "min_count": 3, "max_count": 2, "deadline": deadline},
    )
    assert bad.status_code == 400
    past = site.post(
        "/api/v1/circles/wine/group-buys",
        headers=owner.auth,
        json={
            "product_id": wine["id"],
            "price": "68.00",
            "min_count": 2,
            "max_count": 3,
            "deadline": (datetime.now(UTC) - timedelta(hours=1)).isoformat(),
        },
    )
    assert past.status_code == 400 and "deadline" in past.json()["error"]["fields"]

    def start(min_count: int) -> dict[str, Any]:
        response = site.post(
            "/api/v1/circles/wine/group-buys",
            headers=owner.auth,
            json={
                "product_id": wine["id"],
                "price": "68.00",
                "min_count": min_count,
                "max_count": 3,
                "deadline": deadline,
            },
        )
        assert response.status_code == 201, response.text
        return response.json()  # type: ignore[no-any-return]

    winning, losing = start(2), start(3)
    assert winning["status"] == "open" and winning["thread_id"] and winning["price"] == "68.00"
    people = crowd(site, "wine", 4, "g")
    joins = at_once(
        site,
        4,
        lambda http, i: http.post(
            f"/api/v1/group-buys/{winning['id']}/join", json={"quantity": 1}, headers=people[i].auth
        ),
    )
    assert sorted(response.status_code for response in joins) == [201, 201, 201, 409]  # at most 3
    twice = site.post(f"/api/v1/group-buys/{winning['id']}/join", json={"quantity": 1}, headers=people[0].auth)
    assert twice.status_code == 409 or twice.json().get("group_buy_id") == winning["id"]
    assert (
        site.post(f"/api/v1/group-buys/{losing['id']}/join", json={"quantity": 2}, headers=member.auth).status_code
        == 201
    )
    assert stock(site, wine["id"], owner) == 20 - 3 - 2

    async def deadline_passes() -> None:
        from plugins.shop.models import GroupBuy

        await GroupBuy.all().update(deadline=datetime.now(UTC) - timedelta(seconds=1))

    site.portal.call(deadline_passes)
    for key in sorted(jobs_of(site, "shop.settle")):
        run_job_now(site, key)
    wait_for_jobs(site)
    won = site.get(f"/api/v1/group-buys/{winning['id']}", headers=owner.auth).json()
    lost = site.get(f"/api/v1/group-buys/{losing['id']}", headers=member.auth).json()
    assert (won["status"], won["joined_count"], lost["status"]) == ("succeeded", 3, "failed")
    assert lost["my_order"]["status"] == "cancelled" and stock(site, wine["id"], owner) == 20 - 3
    assert all(
        order["expires_at"]
        for order in site.get(
            "/api/v1/circles/wine/orders", params={"status": "pending_payment"}, headers=owner.auth
        ).json()["items"]
    )

    from plugins.shop.group_buys import settle

    assert site.portal.call(settle, losing["id"]) is None  # settled once: a second run does nothing
    assert stock(site, wine["id"], owner) == 20 - 3
    told = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
    assert told.count("shop.group_failed") == 1
    late = site.post(f"/api/v1/group-buys/{winning['id']}/join", json={"quantity": 1}, headers=member.auth)
    assert late.status_code == 409


def test_the_managers_list_totals_and_csv(site, club):
    owner, member = club
    settings = {"payment_instructions": "WeChat Pay to the treasurer", "pickup_points": ["Club house", "Wine bar"]}
    assert site.put("/api/v1/circles/wine/shop", json=settings, headers=owner.auth).status_code == 200
    assert site.put("/api/v1/circles/wine/shop", json=settings, headers=member.auth).status_code == 403
    wine = product(site, owner)
    nowhere = order(site, member, wine["id"], pickup_point="The moon")
    assert nowhere.status_code == 400 and "pickup_point" in nowhere.json()["error"]["fields"]
    glass = product(site, owner, name="Glass", price="12.50", stock=None)
    order(site, member, wine["id"], quantity=2, pickup_point="Club house")
    order(site, member, glass["id"], quantity=4, pickup_point="Wine bar")
    listed = site.get("/api/v1/circles/wine/orders", headers=owner.auth).json()
    assert sorted((row["product"], row["quantity"], row["total"]) for row in listed["totals"]) == [
        ("Glass", 4, "50.00"),
        ("Ningxia Cabernet 2019 宁夏赤霞珠", 2, "176.00"),
    ]
    only = site.get("/api/v1/circles/wine/orders", params={"product": glass["id"]}, headers=owner.auth).json()
    assert [row["product"]["name"] for row in only["items"]] == ["Glass"]
    at_bar = site.get("/api/v1/circles/wine/orders", params={"pickup_point": "Wine bar"}, headers=owner.auth).json()
    assert [row["pickup_point"] for row in at_bar["items"]] == ["Wine bar"]
    how = site.get(f"/api/v1/orders/{only['items'][0]['id']}", headers=member.auth).json()
    assert how["payment_instructions"] == "WeChat Pay to the treasurer"
    exported = site.get("/api/v1/circles/wine/orders.csv", headers=owner.auth)
    rows = list(csv.reader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows[0][:3] == ["order", "ordered_at", "status"] and len(rows) == 3
    for path in ("/api/v1/circles/wine/orders", "/api/v1/circles/wine/orders.csv"):
        assert site.get(path, headers=member.auth).status_code == 403
    other = register(site, "nosy")
    first = listed["items"][0]["id"]
    assert site.get(f"/api/v1/orders/{first}", headers=other.auth).status_code == 404
    assert site.get(f"/orders/{first}", headers=other.auth).status_code == 404


def test_a_private_circles_shop_is_its_members_only(site):
    owner, outsider = register(site, "boss"), register(site, "nosy")
    make_circle(site, owner, "cellar", visibility="private")
    secret = product(site, owner, "cellar", name="Secret reserve 珍藏")
    for headers in ({}, outsider.auth):
        assert site.get(f"/api/v1/products/{secret['id']}", headers=headers).status_code == 404
        assert site.get("/api/v1/circles/cellar/products", headers=headers).status_code == 404
        for path in (f"/products/{secret['id']}", "/c/cellar/shop"):
            seen = site.get(path, headers=headers, follow_redirects=False)
            assert seen.status_code == 404 and "珍藏" not in seen.text
        assert "珍藏" not in site.get("/api/v1/search", params={"q": "珍藏"}, headers=headers).text
    assert order(site, outsider, secret["id"]).status_code == 404
    group = site.post(
        "/api/v1/circles/cellar/group-buys",
        headers=owner.auth,
        json={
            "product_id": secret["id"],
            "price": "1.00",
            "min_count": 1,
            "max_count": 2,
            "deadline": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
        },
    ).json()
    for headers in ({}, outsider.auth):
        assert site.get(f"/api/v1/group-buys/{group['id']}", headers=headers).status_code == 404
        assert site.post(
            f"/api/v1/group-buys/{group['id']}/join", json={"quantity": 1}, headers=headers
        ).status_code in (401, 404)
        for listing in ("/api/v1/threads", "/", "/api/v1/search?q=珍藏"):
            assert "珍藏" not in site.get(listing, headers=headers).text, listing


def test_the_pages_order_and_the_manager_marks_it_paid(site, club):
    owner, _ = club
    wine = product(site, owner)
    csrf = sign_in(site, "pat")
    site.post("/c/wine/join", data={"csrf_token": csrf})
    showcase = site.get("/c/wine/shop")
    assert showcase.status_code == 200 and f"/products/{wine['id']}" in showcase.text
    page = site.get(f"/products/{wine['id']}").text
    key = page.split('name="request_key" value="')[1].split('"')[0]
    data = {"csrf_token": csrf, "quantity": "2", "request_key": key}
    placed = site.post(f"/products/{wine['id']}/order", data=data, follow_redirects=False)
    assert placed.status_code == 303
    again = site.post(f"/products/{wine['id']}/order", data=data, follow_redirects=False)  # the double tap
    assert again.headers["location"] == placed.headers["location"]
    order_page = site.get(placed.headers["location"]).text
    assert "¥176.00" in order_page and "Pickup code" in order_page
    assert stock(site, wine["id"], owner) == 8
    assert (
        site.post(f"/products/{wine['id']}/order", data={**data, "quantity": "0", "request_key": "x"}).status_code
        == 400
    )


def test_a_trial_gives_its_places_once_and_collects_reports(site, club):
    owner, member = club
    cream = product(site, owner, name="Face cream 面霜", price="199.00", stock=5)
    soon, later = datetime.now(UTC) + timedelta(days=2), datetime.now(UTC) + timedelta(days=20)
    bad = site.post(
        "/api/v1/circles/wine/trials",
        headers=owner.auth,
        json={
            "product_id": cream["id"],
            "places": 2,
            "apply_until": later.isoformat(),
            "report_until": soon.isoformat(),
        },
    )
    assert bad.status_code == 400 and "report_until" in bad.json()["error"]["fields"]
    trial = site.post(
        "/api/v1/circles/wine/trials",
        headers=owner.auth,
        json={
            "product_id": cream["id"],
            "places": 2,
            "apply_until": soon.isoformat(),
            "report_until": later.isoformat(),
        },
    )
    assert trial.status_code == 201, trial.text
    trial = trial.json()
    assert (
        site.post(
            "/api/v1/circles/wine/trials",
            headers=member.auth,
            json={
                "product_id": cream["id"],
                "places": 2,
                "apply_until": soon.isoformat(),
                "report_until": later.isoformat(),
            },
        ).status_code
        == 403
    )
    applicants = [member, *crowd(site, "wine", 3, "t")]
    for person in applicants:
        assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=person.auth).status_code == 201
    assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=member.auth).status_code == 409
    assert site.get(f"/api/v1/trials/{trial['id']}/applications", headers=member.auth).status_code == 403
    assert (
        site.post(
            f"/api/v1/trials/{trial['id']}/report", json={"body": "x", "rating": 5}, headers=member.auth
        ).status_code
        == 403
    )  # not picked

    picks = at_once(
        site,
        4,
        lambda http, i: http.post(
            f"/api/v1/trials/{trial['id']}/applications/{applicants[i].username}/pick", headers=owner.auth
        ),
    )
    assert sorted(response.status_code for response in picks) == [200, 200, 409, 409]  # two places
    picked = [applicants[i] for i, response in enumerate(picks) if response.status_code == 200]
    free = site.get(
        f"/api/v1/orders/{picks[[r.status_code for r in picks].index(200)].json()['order_id']}", headers=owner.auth
    ).json()
    assert free["total"] == "0.00" and free["status"] == "paid"
    assert stock(site, cream["id"], owner) == 3

    reporter = picked[0]
    assert (
        site.post(
            f"/api/v1/trials/{trial['id']}/report",
            json={"body": "Light, no smell.", "rating": 6},
            headers=reporter.auth,
        ).status_code
        == 400
    )
    posted = site.post(
        f"/api/v1/trials/{trial['id']}/report", json={"body": "Light, no smell.", "rating": 4}, headers=reporter.auth
    )
    assert posted.status_code == 201
    assert (
        site.post(
            f"/api/v1/trials/{trial['id']}/report", json={"body": "Again", "rating": 4}, headers=reporter.auth
        ).status_code
        == 409
    )
    listed = site.get(f"/api/v1/trials/{trial['id']}/applications", headers=owner.auth).json()
    assert listed["not_reported"] == [picked[1].username]
    page = site.get(f"/products/{cream['id']}", headers=member.auth).text
    assert "★★★★☆" in page and f"/p/{posted.json()['post_id']}" in page
    thread = site.get(f"/api/v1/threads/{trial['thread_id']}/posts").json()["items"]
    assert thread[-1]["body"] == "Light, no smell."
    accept = f"/api/v1/trials/{trial['id']}/applications/{reporter.username}/accept"
    assert site.post(accept, headers=reporter.auth).status_code in (403, 404)  # the managers only
    assert site.post(accept, headers=owner.auth).json() == {"username": reporter.username, "accepted": True}
    assert site.post(accept, headers=owner.auth).status_code == 409  # once
    assert (
        site.post(
            f"/api/v1/trials/{trial['id']}/applications/{picked[1].username}/accept", headers=owner.auth
        ).status_code
        == 404
    )  # no report to accept


def test_a_products_photos_from_the_form_are_the_circles_to_see(site):
    owner, outsider = register(site, "boss"), register(site, "nosy")
    make_circle(site, owner, "cellar", visibility="private")
    photo = io.BytesIO()
    Image.new("RGB", (1600, 1200), (120, 20, 40)).save(photo, "JPEG")
    csrf = sign_in(site, "boss")  # the manager's browser
    added = site.post(
        "/c/cellar/products/new",
        data={"csrf_token": csrf, "name": "Reserve 2015", "price": "388", "stock": "6", "on_sale": "1"},
        files={"photo": ("bottle.jpg", photo.getvalue(), "image/jpeg")},
        follow_redirects=False,
    )
    assert added.status_code == 303, added.text
    page = site.get(added.headers["location"]).text
    src = page.split('<div class="product-photos"><img src="')[1].split('"')[0]
    assert src.startswith("/uploads/") and 'width="1600"' in page and 'height="1200"' in page
    assert site.get(src).status_code == 200
    site.cookies.clear()
    assert site.get(src).status_code == 404  # a guest
    assert site.get(src, headers=outsider.auth).status_code == 404
    showcase = site.get("/c/cellar/shop", headers=owner.auth).text
    assert "/uploads/" in showcase and "Reserve 2015" in showcase


def test_a_membership_fee_paid_lets_in_reminds_extends_and_lapses(site, club):
    owner, member = club
    make_circle(site, owner, "members", visibility="private", join_policy="approval")
    bad = site.post(
        "/api/v1/circles/wine/products",
        headers=member.auth,
        json={"name": "Fee", "price": "1", "membership_circle": "members", "membership_days": 365},
    )
    assert bad.status_code == 403
    fee = product(
        site,
        owner,
        name="Annual fee 年费",
        price="200.00",
        stock=None,
        membership_circle="members",
        membership_days=365,
    )
    assert fee["membership"] == {"days": 365, "until": None}
    assert site.get("/api/v1/circles/members", headers=member.auth).status_code == 404
    first = order(site, member, fee["id"]).json()
    site.post(f"/api/v1/orders/{first['id']}/paid", headers=owner.auth)
    assert site.get("/api/v1/circles/members/threads", headers=member.auth).status_code == 200  # let in
    (row,) = site.get("/api/v1/circles/wine/memberships", headers=owner.auth).json()["items"]
    assert row["username"] == "mei" and row["standing"] == "paid"
    assert "mei" in site.get("/c/wine/shop/memberships", headers=owner.auth).text
    assert site.get("/c/wine/shop/memberships", headers=member.auth).status_code == 403
    until = datetime.fromisoformat(row["until"])
    assert timedelta(days=364) < until - datetime.now(UTC) <= timedelta(days=365)
    assert sorted(key.rsplit(":", 1)[1] for key in jobs_of(site, "shop.fee_remind")) == ["month", "week"]

    second = order(site, member, fee["id"]).json()  # paid again before it lapses: a year more, from its end
    site.post(f"/api/v1/orders/{second['id']}/paid", headers=owner.auth)
    (row,) = site.get("/api/v1/circles/wine/memberships", headers=owner.auth).json()["items"]
    assert timedelta(days=729) < datetime.fromisoformat(row["until"]) - datetime.now(UTC) <= timedelta(days=730)

    month = next(key for key in jobs_of(site, "shop.fee_remind") if key.endswith(":month"))
    run_job_now(site, month)
    wait_for_jobs(site)
    kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
    assert kinds.count("shop.fee_due") == 1

    async def ends_now() -> None:
        from plugins.shop.models import Membership

        await Membership.all().update(until=datetime.now(UTC) - timedelta(seconds=1))

    site.portal.call(ends_now)
    (lapse,) = jobs_of(site, "shop.fee_lapse")
    run_job_now(site, lapse)
    wait_for_jobs(site)
    assert site.get("/api/v1/circles/members/threads", headers=member.auth).status_code == 404  # out again
    (row,) = site.get("/api/v1/circles/wine/memberships", headers=owner.auth).json()["items"]
    assert row["standing"] == "lapsed"
    kinds = [item["kind"] for item in site.get("/api/v1/notifications", headers=member.auth).json()["items"]]
    assert "shop.fee_lapsed" in kinds
    assert site.get("/api/v1/circles/members/threads", headers=owner.auth).status_code == 200  # owners stay


def test_the_shops_collection_code_and_a_private_trial(site):
    owner, outsider = register(site, "boss"), register(site, "nosy")
    make_circle(site, owner, "cellar", visibility="private")
    code = io.BytesIO()
    Image.new("RGB", (600, 600), (10, 160, 60)).save(code, "PNG")
    csrf = sign_in(site, "boss")  # the manager's browser
    saved = site.post(
        "/c/cellar/shop/settings",
        data={
            "csrf_token": csrf,
            "payment_instructions": "微信转账",
            "pickup_points": "Cellar door",
            "pay_within_hours": "24",
        },
        files={"payment_picture": ("pay.png", code.getvalue(), "image/png")},
        follow_redirects=False,
    )
    assert saved.status_code == 303, saved.text
    reserve = product(site, owner, "cellar", name="Reserve 珍藏", stock=3)
    placed = order(site, owner, reserve["id"], pickup_point="Cellar door").json()
    how = site.get(f"/api/v1/orders/{placed['id']}", headers=owner.auth).json()
    assert how["payment_instructions"] == "微信转账" and how["payment_picture"].startswith("/uploads/")
    assert site.get(f"/orders/{placed['id']}").text.count(how["payment_picture"]) == 1
    site.cookies.clear()
    assert site.get(how["payment_picture"], headers=outsider.auth).status_code == 404  # the private circle's
    trial = site.post(
        "/api/v1/circles/cellar/trials",
        headers=owner.auth,
        json={
            "product_id": reserve["id"],
            "places": 1,
            "apply_until": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            "report_until": (datetime.now(UTC) + timedelta(days=9)).isoformat(),
        },
    ).json()
    for headers in ({}, outsider.auth):
        assert site.get(f"/api/v1/trials/{trial['id']}", headers=headers).status_code == 404
        assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=headers).status_code in (
            401,
            404,
        )
        assert site.get(f"/t/{trial['thread_id']}", headers=headers).status_code == 404


def test_a_member_price_and_group_buys_and_trials_for_one_circles_members(site, club):
    owner, member = club
    vip = register(site, "vipguest")
    make_circle(site, owner, "wine-vip", visibility="private", join_policy="invite")
    assert site.post("/api/v1/circles/wine/join", headers=vip.auth).status_code == 200
    site.put("/api/v1/circles/wine-vip/members/vipguest", json={"role": "member"}, headers=owner.auth)  # invited
    site.post("/api/v1/circles/wine-vip/join", headers=vip.auth)  # accepted
    assert site.get("/api/v1/circles/wine-vip", headers=vip.auth).status_code == 200, "vipguest is in the VIP circle"
    bottle = product(site, owner, price="100.00", member_circle="wine-vip", member_price="80.00")
    assert bottle["member_price"] == {"price": "80.00", "circle": {"slug": "wine-vip", "name": "Wine-Vip"}}
    assert order(site, vip, bottle["id"]).json()["total"] == "80.00"
    assert order(site, member, bottle["id"]).json()["total"] == "100.00"
    for bad in (
        {"member_circle": "wine-vip"},
        {"member_circle": "nowhere", "member_price": "1"},
        {"member_circle": "wine-vip", "member_price": "1.234"},
    ):
        refused = site.post(
            "/api/v1/circles/wine/products", headers=owner.auth, json={"name": "X", "price": "10", **bad}
        )
        assert refused.status_code == 400, refused.text
    later = datetime.now(UTC) + timedelta(days=3)
    group = site.post(
        "/api/v1/circles/wine/group-buys",
        headers=owner.auth,
        json={
            "product_id": bottle["id"],
            "price": "70",
            "min_count": 1,
            "max_count": 5,
            "deadline": later.isoformat(),
            "only_circle": "wine-vip",
        },
    ).json()
    assert group["only_circle"] == "wine-vip"
    refused = site.post(f"/api/v1/group-buys/{group['id']}/join", json={}, headers=member.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_eligible"
    assert site.post(f"/api/v1/group-buys/{group['id']}/join", json={}, headers=vip.auth).status_code == 201
    trial = site.post(
        "/api/v1/circles/wine/trials",
        headers=owner.auth,
        json={
            "product_id": bottle["id"],
            "places": 2,
            "apply_until": later.isoformat(),
            "report_until": (later + timedelta(days=9)).isoformat(),
            "only_circle": "wine-vip",
        },
    ).json()
    refused = site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=member.auth)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_eligible"
    assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=vip.auth).status_code == 201
    page = site.get(f"/t/{trial['thread_id']}", headers=member.auth).text  # not in the private VIP circle
    assert "Members only" in page and "Wine-Vip" not in page and "wine-vip" not in page
    assert "Only for the members of Wine-Vip" in site.get(f"/t/{trial['thread_id']}", headers=vip.auth).text
    for viewer in ({}, member.auth):  # a guest and a member outside it: the price, not the private circle
        seen = site.get(f"/api/v1/products/{bottle['id']}", headers=viewer).json()["member_price"]
        assert seen == {"price": "80.00", "circle": None}
        shown = site.get(f"/products/{bottle['id']}", headers=viewer).text
        assert "¥80.00 for members" in shown and "Wine-Vip" not in shown and "wine-vip" not in shown


def test_group_buys_trials_and_fees_work_in_a_shop_with_pickup_points(site, club):
    owner, member = club
    make_circle(site, owner, "cellar", visibility="private", join_policy="invite")
    settings = {"payment_instructions": "WeChat Pay", "pickup_points": ["Club house", "Wine bar"]}
    assert site.put("/api/v1/circles/wine/shop", json=settings, headers=owner.auth).status_code == 200
    wine = product(site, owner)
    soon, later = datetime.now(UTC) + timedelta(days=2), datetime.now(UTC) + timedelta(days=20)
    group = site.post(
        "/api/v1/circles/wine/group-buys",
        headers=owner.auth,
        json={"product_id": wine["id"], "price": "70", "min_count": 2, "max_count": 5, "deadline": soon.isoformat()},
    ).json()
    page = site.get(f"/t/{group['thread_id']}", headers=member.auth).text
    assert 'name="pickup_point"' in page and "Wine bar" in page  # the join form asks where
    nowhere = site.post(f"/api/v1/group-buys/{group['id']}/join", json={"quantity": 1}, headers=member.auth)
    assert nowhere.status_code == 400 and "pickup_point" in nowhere.json()["error"]["fields"]  # said, not bare
    joined = site.post(
        f"/api/v1/group-buys/{group['id']}/join", json={"quantity": 1, "pickup_point": "Wine bar"}, headers=member.auth
    )
    assert joined.status_code == 201 and joined.json()["pickup_point"] == "Wine bar"
    trial = site.post(
        "/api/v1/circles/wine/trials",
        headers=owner.auth,
        json={
            "product_id": wine["id"],
            "places": 1,
            "apply_until": soon.isoformat(),
            "report_until": later.isoformat(),
        },
    ).json()
    assert site.post(f"/api/v1/trials/{trial['id']}/applications", json={}, headers=member.auth).status_code == 201
    picked = site.post(f"/api/v1/trials/{trial['id']}/applications/mei/pick", headers=owner.auth)
    assert picked.status_code == 200, picked.text
    fee = product(
        site, owner, name="Cellar year", price="99", stock=None, membership_circle="cellar", membership_days=365
    )
    paid_in = order(site, member, fee["id"])
    assert paid_in.status_code == 201, paid_in.text
    assert paid_in.json()["pickup_code"] is None and paid_in.json()["reference"]  # nothing to pick up
    assert 'name="pickup_point"' not in site.get(f"/products/{fee['id']}", headers=member.auth).text
    shown = site.get(f"/orders/{paid_in.json()['id']}", headers=member.auth).text
    assert "Pickup code" not in shown and paid_in.json()["reference"] in shown


def test_the_managers_switch_the_shop_off_in_their_circle(site, club):
    owner, member = club
    assert "/c/wine/shop" in site.get("/c/wine", headers=member.auth).text  # shown until switched off
    off = site.put("/api/v1/circles/wine/shop", json={"shown": False}, headers=owner.auth)
    assert off.status_code == 200 and off.json()["shown"] is False
    assert "/c/wine/shop" not in site.get("/c/wine", headers=member.auth).text
    assert "Hidden from the members" in site.get("/c/wine", headers=owner.auth).text  # its managers still see it
    browser = another_browser(site)
    csrf = sign_in(browser, "owner")
    form = {"csrf_token": csrf, "payment_instructions": "", "pickup_points": "", "pay_within_hours": "48", "shown": "1"}
    assert "Saved." in browser.post("/c/wine/shop/settings", data=form).text
    assert "/c/wine/shop" in site.get("/c/wine", headers=member.auth).text
