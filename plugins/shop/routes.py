"""Pages of the shop: the showcase, a product with its order form, an order (the pickup code, how to pay), a
member's orders, and the managers' pages (products, orders with totals, the shop's settings, group buys). Thin
handlers; no JavaScript; photos through plain file fields."""

from __future__ import annotations

import secrets
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.plugins import (
    Circle,
    Conflict,
    Form,
    Message,
    ShareCard,
    ValidationError,
    absolute_url,
    answers_from_form,
    chosen,
    circle_share_card,
    mark_personal,
    parse_form_time,
    pictures,
    plain_text_excerpt,
    read_form,
    receive_picture,
    render,
    resolve_viewer,
    share_image,
    site_of,
    site_timezone,
    whole_number,
)
from plugins.shop import fees, group_buys, orders, service, trials
from plugins.shop.models import OrderStatus
from plugins.shop.money import yuan

PRODUCT_FIELDS = (
    "name",
    "description",
    "price",
    "stock",
    "per_member_limit",
    "on_sale",
    "membership_circle",
    "membership_days",
    "member_circle",
    "member_price",
)
ORDER_FIELDS = ("quantity", "note", "pickup_point", "address", "request_key")
SETTINGS_FIELDS = ("payment_instructions", "pickup_points", "delivery", "pay_within_hours", "shown")
GROUP_FIELDS = ("product_id", "price", "min_count", "max_count", "deadline", "title", "body", "only_circle")


def _number(text: str) -> int | None:
    """A form's whole number, None when left empty (no limit); -1 for what is not one, refused with its reason."""
    if not text.strip():
        return None
    found = whole_number(text.strip())
    return -1 if found is None else found


async def _photos(names: list[str]) -> list[Any]:
    found = await pictures([name[:64] for name in names])
    return [found[name[:64]] for name in names if name[:64] in found]


async def showcase(request: Request) -> Response:
    access, found = await service.products(await resolve_viewer(request), request.path_params["slug"])
    covers = await pictures([product.photos[0][:64] for product in found if product.photos])
    cards = [(product, covers.get(product.photos[0][:64]) if product.photos else None) for product in found]
    circle = access.circle
    cover = found[0].photos[0] if found and found[0].photos else ""  # the first product's photo shows the shop
    card = await circle_share_card(request, circle, circle.name, f"/c/{circle.slug}/shop", circle.description, cover)
    return await render(
        request,
        "shop/showcase.html",
        {"circle": circle, "access": access, "cards": cards, "yuan": yuan, "share_card": card},
    )


async def product_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    product, access = await service.get_product(viewer, request.path_params["id"])
    shop = await service.shop_of(access)
    if form is None:
        form = Form({"quantity": "1", "request_key": secrets.token_urlsafe(16)})
    if viewer is not None:
        mark_personal(request)  # the order form's key and CSRF token
    photos = await _photos(product.photos)
    context: dict[str, Any] = {
        "product": product,
        "circle": access.circle,
        "access": access,
        "shop": shop,
        "form": form,
        "photos": photos,
        "yuan": yuan,
        "member_circle": await service.limited_to(viewer, product.member_circle_id),
        "reports": await trials.reports(product),
    }
    if access.is_public:
        image = (
            absolute_url(request, photos[0].url)
            if photos
            else await share_image(request, title=product.name, tint=access.circle.tint)
        )
        context["share_card"] = ShareCard(
            product.name,
            absolute_url(request, f"/products/{product.id}"),
            plain_text_excerpt(product.html, 120),
            image=image,
        )
    return await render(request, "shop/product.html", context, status=status)


async def order_product(request: Request) -> Response:
    data = await read_form(request)
    form = Form.of(data, ORDER_FIELDS)
    draft = orders.OrderDraft(
        _number(form.values["quantity"]) or 0,
        form.values["note"],
        form.values["pickup_point"],
        form.values["address"],
        form.values["request_key"],
    )
    try:
        order = await orders.place_order(await resolve_viewer(request), request.path_params["id"], draft)
    except (ValidationError, Conflict) as refused:
        form.errors = refused.fields if isinstance(refused, ValidationError) else {"quantity": refused.message}
        return await product_page(request, form, status=refused.status)
    return RedirectResponse(f"/orders/{order.id}", status_code=303)


async def order_page(request: Request) -> Response:
    view = await orders.get_order(await resolve_viewer(request), request.path_params["id"])
    payment = await _photos([view.shop.payment_picture]) if view.shop.payment_picture else []
    return await render(
        request,
        "shop/order.html",
        {"view": view, "payment": payment[0] if payment else None, "yuan": yuan, "names": orders.NAMES},
    )


async def order_action(request: Request) -> Response:
    await read_form(request)
    target = {"paid": OrderStatus.PAID, "fulfilled": OrderStatus.FULFILLED, "cancel": OrderStatus.CANCELLED}.get(
        request.path_params["action"], ""
    )
    await orders.move(await resolve_viewer(request), request.path_params["id"], str(target))
    return RedirectResponse(f"/orders/{request.path_params['id']}", status_code=303)


async def my_orders(request: Request) -> Response:
    found = await orders.my_orders(await resolve_viewer(request))
    return await render(request, "shop/my_orders.html", {"orders": found, "yuan": yuan, "names": orders.NAMES})


async def shop_orders(request: Request) -> Response:
    access, shop = await service.managed(await resolve_viewer(request), request.path_params["slug"])
    query = request.query_params
    filters = orders.Filters(
        query.get("status", ""), whole_number(query.get("product", "")), query.get("pickup_point", "")
    )
    found = await orders.shop_orders(access.viewer, access.circle, filters)
    _, products = await service.products(access.viewer, access.circle.slug)
    return await render(
        request,
        "shop/orders.html",
        {
            "circle": access.circle,
            "shop": shop,
            "orders": found,
            "totals": orders.totals(found),
            "filters": filters,
            "products": products,
            "statuses": list(OrderStatus),
            "yuan": yuan,
            "query": request.url.query,
            "names": orders.NAMES,
        },
    )


async def _product_form(request: Request, form: Form, status: int = 200, **context: Any) -> Response:
    viewer = await resolve_viewer(request)
    if "slug" in request.path_params:
        access, _ = await service.managed(viewer, request.path_params["slug"])
        context["circle"] = access.circle
    return await render(request, "shop/edit_product.html", {"form": form, **context}, status=status)


def _product_draft(form: Form) -> service.ProductDraft:
    values = form.values
    return service.ProductDraft(
        values["name"],
        values["description"],
        values["price"],
        _number(values["stock"]),
        _number(values["per_member_limit"]),
        bool(values["on_sale"]),
        values["membership_circle"].strip(),
        _number(values["membership_days"]),
        member_circle=values["member_circle"].strip(),
        member_price=values["member_price"],
    )


async def _new_photo(request: Request, data: Any) -> str | None:
    photo = await chosen(data, "photo")
    if photo is None:
        return None
    return (await receive_picture(request, await resolve_viewer(request), photo, field="photo")).name


async def new_product(request: Request) -> Response:
    if request.method == "GET":
        return await _product_form(request, Form({"on_sale": "1"}))
    data = await read_form(request, files=("photo",))
    form = Form.of(data, PRODUCT_FIELDS)
    try:
        photo = await _new_photo(request, data)
        product = await service.create_product(
            await resolve_viewer(request), request.path_params["slug"], _product_draft(form), [photo] if photo else []
        )
    except ValidationError as error:
        form.errors = error.fields
        return await _product_form(request, form, status=400)
    return RedirectResponse(f"/products/{product.id}", status_code=303)


async def edit_product(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    product, access = await service.get_product(viewer, request.path_params["id"])
    photos = await _photos(product.photos)
    if request.method == "GET":
        form = Form(
            {
                "name": product.name,
                "description": product.description,
                "price": yuan(product.price_fen),
                "stock": "" if product.stock is None else str(product.stock),
                "per_member_limit": "" if product.per_member_limit is None else str(product.per_member_limit),
                "on_sale": "1" if product.on_sale else "",
                "membership_circle": (await Circle.get(id=product.membership_circle_id)).slug
                if product.membership_circle_id
                else "",
                "membership_days": str(product.membership_days or ""),
                "member_circle": member_circle.slug
                if (member_circle := await service.limited_to(viewer, product.member_circle_id))
                else "",
                "member_price": yuan(product.member_price_fen) if product.member_price_fen is not None else "",
            }
        )
        return await _product_form(request, form, product=product, photos=photos, circle=access.circle)
    data = await read_form(request, files=("photo",))
    form = Form.of(data, PRODUCT_FIELDS)
    kept = [name for name in product.photos if name not in data.getlist("remove_photo")]
    try:
        photo = await _new_photo(request, data)
        limit = site_of(request).plugin_settings("shop")["max_photos"]
        if photo and len(kept) >= limit:
            raise ValidationError({"photo": Message("At most %(n)s photos.", n=limit)})
        await service.update_product(viewer, product.id, _product_draft(form), [*kept, photo] if photo else kept)
    except ValidationError as error:
        form.errors = error.fields
        return await _product_form(request, form, status=400, product=product, photos=photos, circle=access.circle)
    return RedirectResponse(f"/products/{product.id}", status_code=303)


async def shop_settings(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    access, shop = await service.managed(viewer, request.path_params["slug"])
    form = Form(
        {
            "payment_instructions": shop.payment_instructions,
            "pickup_points": "\n".join(shop.pickup_points),
            "delivery": "1" if shop.delivery else "",
            "pay_within_hours": str(shop.pay_within_hours),
            "shown": "1" if shop.shown else "",
        }
    )
    status = 200
    if request.method == "POST":
        data = await read_form(request, files=("payment_picture",))
        form = Form.of(data, SETTINGS_FIELDS)
        try:
            picture = await chosen(data, "payment_picture")
            name = None
            if picture is not None:
                name = (await receive_picture(request, viewer, picture, field="payment_picture")).name
            elif data.get("remove_picture"):
                name = ""
            settings = service.ShopSettings(
                form.values["payment_instructions"],
                form.values["pickup_points"].splitlines(),
                bool(form.values["delivery"]),
                _number(form.values["pay_within_hours"]) or 0,
                bool(form.values["shown"]),
            )
            await service.update_shop(viewer, access.circle.slug, settings, name)
            return RedirectResponse(f"/c/{access.circle.slug}/shop/settings?saved=1", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    payment = await _photos([shop.payment_picture]) if shop.payment_picture else []
    return await render(
        request,
        "shop/settings.html",
        {"circle": access.circle, "form": form, "payment": payment[0] if payment else None},
        status=status,
    )


async def memberships(request: Request) -> Response:
    access, _ = await service.managed(await resolve_viewer(request), request.path_params["slug"])
    found = await fees.memberships(access.circle)
    return await render(
        request,
        "shop/memberships.html",
        {"circle": access.circle, "rows": [(row, fees.standing(row)) for row in found]},
    )


async def new_group_buy(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    access, _ = await service.managed(viewer, request.path_params["slug"])
    _, products = await service.products(viewer, access.circle.slug)
    form, status = Form({"product_id": request.query_params.get("product", "")}), 200
    if request.method == "POST":
        form = Form.of(await read_form(request), GROUP_FIELDS)
        zone = site_timezone((await site_of(request).settings.current())["timezone"])
        try:
            draft = group_buys.GroupBuyDraft(
                _number(form.values["product_id"]) or 0,
                form.values["price"],
                _number(form.values["min_count"]) or 0,
                _number(form.values["max_count"]) or 0,
                parse_form_time(form.values["deadline"], zone, "deadline"),
                form.values["title"],
                form.values["body"],
                form.values["only_circle"].strip(),
            )
            group_buy = await group_buys.create_group_buy(
                viewer, access.circle.slug, draft, max_length=site_of(request).config.max_post_length
            )
            return RedirectResponse(f"/t/{group_buy.thread_id}#group-buy", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    return await render(
        request,
        "shop/new_group_buy.html",
        {"circle": access.circle, "form": form, "products": products, "yuan": yuan},
        status=status,
    )


TRIAL_FIELDS = ("product_id", "places", "apply_until", "report_until", "title", "body", "only_circle")


async def new_trial(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    access, _ = await service.managed(viewer, request.path_params["slug"])
    _, products = await service.products(viewer, access.circle.slug)
    form, status = Form({"product_id": request.query_params.get("product", "")}), 200
    if request.method == "POST":
        form = Form.of(await read_form(request), TRIAL_FIELDS)
        zone = site_timezone((await site_of(request).settings.current())["timezone"])
        try:
            draft = trials.TrialDraft(
                _number(form.values["product_id"]) or 0,
                _number(form.values["places"]) or 0,
                parse_form_time(form.values["apply_until"], zone, "apply_until"),
                parse_form_time(form.values["report_until"], zone, "report_until"),
                form.values["title"],
                form.values["body"],
                only_circle=form.values["only_circle"].strip(),
            )
            trial = await trials.create_trial(
                viewer, access.circle.slug, draft, max_length=site_of(request).config.max_post_length
            )
            return RedirectResponse(f"/t/{trial.thread_id}#trial", status_code=303)
        except ValidationError as error:
            form.errors, status = error.fields, 400
    return await render(
        request,
        "shop/new_trial.html",
        {"circle": access.circle, "form": form, "products": products, "yuan": yuan},
        status=status,
    )


async def trial_apply(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    view = await trials.get_trial(viewer, request.path_params["id"])
    await trials.apply(viewer, view.trial.id, answers_from_form(view.questions, data))
    return RedirectResponse(f"/t/{view.thread.id}#trial", status_code=303)


async def trial_report(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    view = await trials.get_trial(viewer, request.path_params["id"])
    await trials.report(
        viewer,
        view.trial.id,
        str(data.get("body", "")),
        _number(str(data.get("rating", ""))) or 0,
        max_length=site_of(request).config.max_post_length,
    )
    return RedirectResponse(f"/t/{view.thread.id}#trial", status_code=303)


async def trial_applicants(request: Request) -> Response:
    viewer = await resolve_viewer(request)
    if request.method == "POST":
        data = await read_form(request)
        if data.get("accept"):
            await trials.accept_report(viewer, request.path_params["id"], str(data.get("accept", "")))
        else:
            await trials.pick(viewer, request.path_params["id"], str(data.get("username", "")))
    view, rows = await trials.applications(viewer, request.path_params["id"])
    return await render(
        request, "shop/trial_applicants.html", {"trial": view, "rows": rows, "not_reported": trials.not_reported(rows)}
    )


async def group_buy_page(request: Request) -> Response:
    view = await group_buys.get_group_buy(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}#group-buy", status_code=303)


async def join_group_buy(request: Request) -> Response:
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    view = await group_buys.get_group_buy(viewer, request.path_params["id"])
    draft = orders.OrderDraft(
        _number(str(data.get("quantity", "1"))) or 0,
        pickup_point=str(data.get("pickup_point", "")),
        address=str(data.get("address", "")),
        request_key=str(data.get("request_key", "")),
    )
    order = await group_buys.join(viewer, view.group_buy.id, draft)
    return RedirectResponse(f"/orders/{order.id}", status_code=303)


routes: list[BaseRoute] = [
    Route("/c/{slug}/shop", showcase),
    Route("/c/{slug}/shop/settings", shop_settings, methods=["GET", "POST"]),
    Route("/c/{slug}/products/new", new_product, methods=["GET", "POST"]),
    Route("/c/{slug}/orders", shop_orders),
    Route("/c/{slug}/shop/memberships", memberships),
    Route("/c/{slug}/group-buys/new", new_group_buy, methods=["GET", "POST"]),
    Route("/c/{slug}/trials/new", new_trial, methods=["GET", "POST"]),
    Route("/products/{id:int}", product_page),
    Route("/products/{id:int}/order", order_product, methods=["POST"]),
    Route("/products/{id:int}/edit", edit_product, methods=["GET", "POST"]),
    Route("/orders/{id:int}", order_page),
    Route("/orders/{id:int}/{action}", order_action, methods=["POST"]),
    Route("/me/orders", my_orders),
    Route("/trials/{id:int}/apply", trial_apply, methods=["POST"]),
    Route("/trials/{id:int}/report", trial_report, methods=["POST"]),
    Route("/trials/{id:int}/applicants", trial_applicants, methods=["GET", "POST"]),
    Route("/group-buys/{id:int}", group_buy_page),
    Route("/group-buys/{id:int}/join", join_group_buy, methods=["POST"]),
]
