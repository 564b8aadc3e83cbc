"""JSON API of the shop (docs/api.md lists them with the core's endpoints)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from core.plugins import ApiCall, ApiRouter, Body, csv_response, parse_api_time, whole_number
from plugins.shop import export, fees, group_buys, orders, service, trials
from plugins.shop.models import OrderStatus
from plugins.shop.money import yuan
from plugins.shop.serialize import group_buy_json, order_json, order_view_json, product_json

router = ApiRouter("shop")


class NewProduct(Body):
    name: str
    description: str = ""
    price: str | int
    stock: int | None = None
    per_member_limit: int | None = None
    on_sale: bool = True
    membership_circle: str = ""  # a membership fee: the circle it makes the buyer a member of ...
    membership_days: int | None = None  # ... for so many days
    membership_until: str | None = None  # ... or until then
    member_circle: str = ""  # a member price: the circle whose members pay it ...
    member_price: str | int = ""  # ... and the price


class NewOrder(Body):
    quantity: Any = 1  # checked with the rest, so that a bad one is a 400 naming it
    note: str = ""
    pickup_point: str = ""
    address: str = ""
    request_key: str = ""


class NewGroupBuy(Body):
    product_id: int
    price: str | int
    min_count: int
    max_count: int
    deadline: str
    title: str = ""
    body: str = ""
    only_circle: str = ""  # only the members of this circle may join


class Join(Body):
    quantity: Any = 1
    pickup_point: str = ""  # one of the shop's, when it has several
    address: str = ""  # where a delivering shop sends it
    request_key: str = ""


class ShopBody(Body):
    payment_instructions: str = ""
    pickup_points: list[str] = []
    delivery: bool = False
    pay_within_hours: int = 48
    shown: bool = True  # in the circle's sidebar


def _shop_json(shop: Any) -> dict[str, Any]:
    return {
        "payment_instructions": shop.payment_instructions,
        "pickup_points": shop.pickup_points,
        "delivery": shop.delivery,
        "pay_within_hours": shop.pay_within_hours,
        "shown": shop.shown,
        "payment_picture": f"/uploads/{shop.payment_picture}" if shop.payment_picture else None,
    }


@router.route("GET", "/circles/{slug}/shop", "The shop's settings: how to pay, pickup points (its managers)", auth=True)
async def get_shop(call: ApiCall[None]) -> dict[str, Any]:
    _, shop = await service.managed(call.viewer, call.params["slug"])
    return _shop_json(shop)


@router.route(
    "PUT",
    "/circles/{slug}/shop",
    "Set how members pay, where they pick up, and the time to pay (its managers)",
    body=ShopBody,
    auth=True,
)
async def put_shop(call: ApiCall[ShopBody]) -> dict[str, Any]:
    body = call.body
    settings = service.ShopSettings(
        body.payment_instructions, body.pickup_points, body.delivery, body.pay_within_hours, body.shown
    )
    return _shop_json(await service.update_shop(call.viewer, call.params["slug"], settings))


def _draft(body: NewProduct) -> service.ProductDraft:
    return service.ProductDraft(
        body.name,
        body.description,
        str(body.price),
        body.stock,
        body.per_member_limit,
        body.on_sale,
        body.membership_circle,
        body.membership_days,
        parse_api_time(body.membership_until, "membership_until"),
        body.member_circle,
        str(body.member_price),
    )


@router.route(
    "POST",
    "/circles/{slug}/products",
    "Add a product to the circle's shop (its managers)",
    body=NewProduct,
    status=201,
    auth=True,
)
async def create_product(call: ApiCall[NewProduct]) -> dict[str, Any]:
    product = await service.create_product(call.viewer, call.params["slug"], _draft(call.body))
    _, access = await service.get_product(call.viewer, product.id)
    return product_json(product, access.circle, await service.limited_to(call.viewer, product.member_circle_id))


@router.route("GET", "/circles/{slug}/products", "The circle's showcase (managers: the products not on sale too)")
async def list_products(call: ApiCall[None]) -> dict[str, Any]:
    access, found = await service.products(call.viewer, call.params["slug"])
    return {
        "items": [
            product_json(product, access.circle, await service.limited_to(call.viewer, product.member_circle_id))
            for product in found
        ]
    }


@router.route("GET", "/products/{id:int}", "A product, as visible as its circle")
async def get_product(call: ApiCall[None]) -> dict[str, Any]:
    product, access = await service.get_product(call.viewer, call.params["id"])
    return product_json(product, access.circle, await service.limited_to(call.viewer, product.member_circle_id))


@router.route("PUT", "/products/{id:int}", "Change a product (its managers)", body=NewProduct, auth=True)
async def update_product(call: ApiCall[NewProduct]) -> dict[str, Any]:
    product = await service.update_product(call.viewer, call.params["id"], _draft(call.body))
    _, access = await service.get_product(call.viewer, product.id)
    return product_json(product, access.circle, await service.limited_to(call.viewer, product.member_circle_id))


@router.route(
    "POST",
    "/products/{id:int}/orders",
    "Order a product; 409 out_of_stock when there are not enough",
    body=NewOrder,
    status=201,
    auth=True,
)
async def place_order(call: ApiCall[NewOrder]) -> dict[str, Any]:
    body = call.body
    draft = orders.OrderDraft(body.quantity, body.note, body.pickup_point, body.address, body.request_key)
    return order_json(await orders.place_order(call.viewer, call.params["id"], draft))


@router.route(
    "GET", "/orders/{id:int}", "An order with its history and how to pay (its buyer, the managers)", auth=True
)
async def get_order(call: ApiCall[None]) -> dict[str, Any]:
    return order_view_json(await orders.get_order(call.viewer, call.params["id"]))


@router.route("GET", "/me/orders", "The viewer's own orders, newest first", auth=True)
async def my_orders(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [order_json(order) for order in await orders.my_orders(call.viewer)]}


async def _shop_orders(call: ApiCall[None]) -> tuple[Any, list[Any]]:
    access, _ = await service.managed(call.viewer, call.params["slug"])
    filters = orders.Filters(
        call.query("status") or "", whole_number(call.query("product") or ""), call.query("pickup_point") or ""
    )
    return access, await orders.shop_orders(call.viewer, access.circle, filters)


@router.route(
    "GET",
    "/circles/{slug}/orders",
    "The shop's orders (its managers): ?status=, product=, pickup_point=; with totals per product",
    auth=True,
    query=("status", "product", "pickup_point"),
)
async def shop_orders(call: ApiCall[None]) -> dict[str, Any]:
    _, found = await _shop_orders(call)
    return {
        "items": [{**order_json(order), "buyer": order.buyer.username} for order in found],
        "totals": [
            {"product": name, "quantity": count, "total": yuan(amount)} for name, count, amount in orders.totals(found)
        ],
    }


@router.route(
    "GET",
    "/circles/{slug}/orders.csv",
    "The shop's orders as CSV (its managers)",
    auth=True,
    query=("status", "product", "pickup_point"),
)
async def shop_orders_csv(call: ApiCall[None]) -> Response:
    access, found = await _shop_orders(call)
    header, rows = await export.order_rows(call.request, call.viewer, found)
    return csv_response(f"orders-{access.circle.slug}.csv", header, rows)


async def _move(call: ApiCall[None], status: OrderStatus) -> dict[str, Any]:
    return order_view_json(await orders.move(call.viewer, call.params["id"], status.value))


@router.route("POST", "/orders/{id:int}/paid", "Payment received offline (the managers)", auth=True)
async def mark_paid(call: ApiCall[None]) -> dict[str, Any]:
    return await _move(call, OrderStatus.PAID)


@router.route("POST", "/orders/{id:int}/fulfilled", "Picked up or delivered (the managers)", auth=True)
async def mark_fulfilled(call: ApiCall[None]) -> dict[str, Any]:
    return await _move(call, OrderStatus.FULFILLED)


@router.route(
    "POST",
    "/orders/{id:int}/cancel",
    "Cancel: the buyer while unpaid, or the managers; the stock comes back",
    auth=True,
)
async def cancel(call: ApiCall[None]) -> dict[str, Any]:
    return await _move(call, OrderStatus.CANCELLED)


@router.route(
    "POST",
    "/circles/{slug}/group-buys",
    "Start a group buy of one of the circle's products (its managers)",
    body=NewGroupBuy,
    status=201,
    auth=True,
)
async def create_group_buy(call: ApiCall[NewGroupBuy]) -> dict[str, Any]:
    body = call.body
    draft = group_buys.GroupBuyDraft(
        body.product_id,
        str(body.price),
        body.min_count,
        body.max_count,
        parse_api_time(body.deadline, "deadline"),
        body.title,
        body.body,
        body.only_circle,
    )
    group_buy = await group_buys.create_group_buy(
        call.viewer, call.params["slug"], draft, max_length=call.site.config.max_post_length
    )
    return group_buy_json(await group_buys.get_group_buy(call.viewer, group_buy.id))


@router.route("GET", "/group-buys/{id:int}", "A group buy: its progress and the viewer's own order")
async def get_group_buy(call: ApiCall[None]) -> dict[str, Any]:
    return group_buy_json(await group_buys.get_group_buy(call.viewer, call.params["id"]))


@router.route(
    "POST",
    "/group-buys/{id:int}/join",
    "Join a group buy: an order at the group price (one per member; 409 when full or not open)",
    body=Join,
    status=201,
    auth=True,
)
async def join(call: ApiCall[Join]) -> dict[str, Any]:
    body = call.body
    draft = orders.OrderDraft(
        body.quantity, pickup_point=body.pickup_point, address=body.address, request_key=body.request_key
    )
    return order_json(await group_buys.join(call.viewer, call.params["id"], draft))


class NewTrial(Body):
    product_id: int
    places: int
    apply_until: str
    report_until: str
    title: str = ""
    body: str = ""
    only_circle: str = ""  # only the members of this circle may apply


class Application(Body):
    answers: list[Any] = []


class TrialReport(Body):
    body: str
    rating: int


def _trial_json(view: trials.TrialView) -> dict[str, Any]:
    trial = view.trial
    mine = view.mine
    return {
        "id": trial.id,
        "thread_id": trial.thread_id,
        "product": {"id": view.product.id, "name": view.product.name},
        "places": trial.places,
        "picked": trial.picked,
        "apply_until": trial.apply_until.isoformat(),
        "report_until": trial.report_until.isoformat(),
        "fields": trial.questions,
        "my_application": {
            "status": mine.status.value,
            "reported": mine.report_post_id is not None,
            "order_id": mine.order_id,
        }
        if mine
        else None,
        "only_circle": view.only_circle.slug if view.only_circle else None,
        "url": f"/t/{trial.thread_id}",
    }


@router.route(
    "POST", "/circles/{slug}/trials", "Start a trial of a product (its managers)", body=NewTrial, status=201, auth=True
)
async def create_trial(call: ApiCall[NewTrial]) -> dict[str, Any]:
    body = call.body
    draft = trials.TrialDraft(
        body.product_id,
        body.places,
        parse_api_time(body.apply_until, "apply_until"),
        parse_api_time(body.report_until, "report_until"),
        body.title,
        body.body,
        only_circle=body.only_circle,
    )
    trial = await trials.create_trial(
        call.viewer, call.params["slug"], draft, max_length=call.site.config.max_post_length
    )
    return _trial_json(await trials.get_trial(call.viewer, trial.id))


@router.route("GET", "/trials/{id:int}", "A trial: its places, dates and the viewer's own application")
async def get_trial(call: ApiCall[None]) -> dict[str, Any]:
    return _trial_json(await trials.get_trial(call.viewer, call.params["id"]))


@router.route(
    "POST",
    "/trials/{id:int}/applications",
    "Apply for a trial (once, until applications close)",
    body=Application,
    status=201,
    auth=True,
)
async def apply(call: ApiCall[Application]) -> dict[str, Any]:
    await trials.apply(call.viewer, call.params["id"], call.body.answers)
    return _trial_json(await trials.get_trial(call.viewer, call.params["id"]))


@router.route(
    "GET",
    "/trials/{id:int}/applications",
    "Who applied, who was picked, who has not reported (its managers)",
    auth=True,
)
async def applications(call: ApiCall[None]) -> dict[str, Any]:
    view, rows = await trials.applications(call.viewer, call.params["id"])
    return {
        "items": [
            {
                "username": row.user.username,
                "status": row.status.value,
                "answers": row.answers,
                "reported": row.report_post_id is not None,
                "rating": row.rating,
                "accepted": row.report_accepted_at is not None,
            }
            for row in rows
        ],
        "not_reported": [row.user.username for row in trials.not_reported(rows)],
    }


@router.route(
    "POST",
    "/trials/{id:int}/applications/{username}/accept",
    "Accept a picked member's report (its managers; once: 409 accepted)",
    auth=True,
)
async def accept_report(call: ApiCall[None]) -> dict[str, Any]:
    row = await trials.accept_report(call.viewer, call.params["id"], call.params["username"])
    return {"username": call.params["username"], "accepted": row.report_accepted_at is not None}


@router.route(
    "POST",
    "/trials/{id:int}/applications/{username}/pick",
    "Give an applicant a place: an order at price 0 (its managers)",
    auth=True,
)
async def pick(call: ApiCall[None]) -> dict[str, Any]:
    row = await trials.pick(call.viewer, call.params["id"], call.params["username"])
    return {"username": call.params["username"], "status": row.status.value, "order_id": row.order_id}


@router.route(
    "POST",
    "/trials/{id:int}/report",
    "The report of one who was picked: a post in the trial's thread with a rating",
    body=TrialReport,
    status=201,
    auth=True,
)
async def report(call: ApiCall[TrialReport]) -> dict[str, Any]:
    row = await trials.report(
        call.viewer, call.params["id"], call.body.body, call.body.rating, max_length=call.site.config.max_post_length
    )
    return {"post_id": row.report_post_id, "rating": row.rating, "url": f"/p/{row.report_post_id}"}


@router.route(
    "GET",
    "/circles/{slug}/memberships",
    "The membership fees the shop sold: who has paid, who is due (within a month), who has lapsed (its managers)",
    auth=True,
)
async def memberships(call: ApiCall[None]) -> dict[str, Any]:
    access, _ = await service.managed(call.viewer, call.params["slug"])
    found = await fees.memberships(access.circle)
    return {
        "items": [
            {
                "username": row.user.username,
                "circle": row.circle.slug,
                "until": row.until.isoformat(),
                "standing": fees.standing(row),
            }
            for row in found
        ]
    }
