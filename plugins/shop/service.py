"""The shop and its products: the only code that writes them (orders: ``orders.py``; group buys:
``group_buys.py``). A product is as visible as its circle; the circle's owners and moderators manage the shop."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.plugins import (
    Audience,
    Circle,
    CircleAccess,
    Forbidden,
    Message,
    NotFound,
    Offer,
    User,
    ValidationError,
    access_by_slug,
    circle_access,
    fetch_row,
    load_model,
    load_models,
    plain_text_excerpt,
    render_body,
    require_actor,
    set_uses,
    transaction,
)
from plugins.shop.models import Product, Shop
from plugins.shop.money import fen_of, yuan

ORDER = Audience("shop.order", "shop_orders", user=("buyer_id",), circle_staff=("circle_id",))
PHOTOS = "shop.product"  # where a product's photos are used (core.plugins set_uses)
PAYMENT = "shop.payment"  # the shop's collection QR picture
NAME_MAX, DESCRIPTION_MAX, POINT_MAX, POINTS_MAX, TEXT_MAX = 200, 20_000, 200, 20, 5000
STOCK_MAX = 1_000_000


async def shown_in(circle: Circle) -> bool:
    """Whether the circle shows its shop in its sidebar (yes, until its managers switch it off)."""
    return (
        await fetch_row("SELECT 1 FROM shop_shops WHERE circle_id = ? AND NOT shown", circle.id) is None
    )  # every page


async def shop_of(access: CircleAccess) -> Shop:
    """The circle's shop (made on its first visit; read as a remembered plain read on every other)."""
    found = await load_model(Shop, "circle_id = ?", access.circle.id)
    if found is not None:
        return found
    shop, _ = await Shop.get_or_create(circle_id=access.circle.id)
    return shop


async def managed(viewer: User | None, slug: str) -> tuple[CircleAccess, Shop]:
    """The circle and its shop, for its managers (its owners and moderators) only."""
    access = await access_by_slug(viewer, slug)
    if not access.is_circle_staff:
        raise Forbidden(Message("Only the circle's owners and moderators manage its shop."))
    return access, await shop_of(access)


@dataclass(frozen=True)
class ShopSettings:
    payment_instructions: str
    pickup_points: Sequence[str]
    delivery: bool
    pay_within_hours: int
    shown: bool = True  # in the circle's sidebar


async def update_shop(
    viewer: User | None,
    slug: str,
    settings: ShopSettings,
    payment_picture: str | None = None,
) -> Shop:
    """The shop's payment instructions, pickup points, delivery and time to pay; ``payment_picture`` (an upload's
    name, "" to remove) is its collection QR code, as visible as the circle."""
    access, shop = await managed(viewer, slug)
    points = [point.strip() for point in settings.pickup_points if point.strip()]
    if len(points) > POINTS_MAX or any(len(point) > POINT_MAX for point in points):
        raise ValidationError({"pickup_points": Message("At most %(n)s pickup points.", n=POINTS_MAX)})
    if not 1 <= settings.pay_within_hours <= 24 * 60:
        raise ValidationError({"pay_within_hours": Message("Give 1 to 1440 hours.")})
    if len(settings.payment_instructions) > TEXT_MAX:
        raise ValidationError({"payment_instructions": Message("At most %(n)s characters.", n=TEXT_MAX)})
    values: dict[str, Any] = dict(
        payment_instructions=settings.payment_instructions.strip(),
        pickup_points=points,
        delivery=settings.delivery,
        pay_within_hours=settings.pay_within_hours,
        shown=settings.shown,
    )
    async with transaction():
        if payment_picture is not None:
            values["payment_picture"] = payment_picture
            await set_uses(
                PAYMENT, shop.id, [payment_picture[:64]] if payment_picture else [], circle_id=access.circle.id
            )
        await Shop.filter(id=shop.id).update(**values)
    return await Shop.get(id=shop.id)


@dataclass(frozen=True)
class ProductDraft:
    name: str
    description: str
    price: str
    stock: int | None = None
    per_member_limit: int | None = None
    on_sale: bool = True
    membership_circle: str = ""  # a membership fee: the circle (its slug) it makes the buyer a member of ...
    membership_days: int | None = None  # ... for so many days
    membership_until: datetime | None = None  # ... or until a date (a season's end)
    member_circle: str = ""  # a member price: the circle (its slug) whose members pay it ...
    member_price: str = ""  # ... and the price


async def managed_circle(viewer: User | None, slug: str, field: str) -> int | None:
    """The id of the circle ``slug`` if the viewer manages it (a fee's, a member price's, a limit's), None for no
    slug; a 400 naming ``field`` for any other."""
    if not slug:
        return None
    try:
        target = await access_by_slug(viewer, slug)
    except NotFound:
        target = None
    if target is None or not target.is_circle_staff:
        raise ValidationError({field: Message("Choose a circle you manage.")})
    return target.circle.id


async def limited_to(viewer: User | None, circle_id: int | None) -> Circle | None:
    """The circle a member price or a limit names, to show it by its name: only to a viewer who may see it (a
    private VIP circle's name and address stay with its members; the others read "members only")."""
    circle = await Circle.get_or_none(id=circle_id) if circle_id else None
    return circle if circle is not None and (await circle_access(viewer, circle)).can_see_invitation else None


async def within(user: User, circle_id: int | None) -> bool:
    """Whether ``user`` is a member of the circle a member price or a limit names (True when none is named)."""
    return circle_id is None or (await circle_access(user, await Circle.get(id=circle_id))).is_member


async def _member_price(viewer: User | None, draft: ProductDraft) -> dict[str, Any]:
    if bool(draft.member_circle) != bool(str(draft.member_price).strip()):
        raise ValidationError({"member_price": Message("A member price names both its circle and its price.")})
    circle_id = await managed_circle(viewer, draft.member_circle, "member_circle")
    return dict(
        member_circle_id=circle_id, member_price_fen=fen_of(draft.member_price, "member_price") if circle_id else None
    )


async def _membership(viewer: User | None, draft: ProductDraft) -> dict[str, Any]:
    """A fee's circle (one the manager moderates: it lets members in) and its length."""
    circle_id = await managed_circle(viewer, draft.membership_circle, "membership_circle")
    if circle_id is None:
        return dict(membership_circle_id=None, membership_days=None, membership_until=None)
    if draft.membership_until is None and (draft.membership_days is None or not 1 <= draft.membership_days <= 3660):
        raise ValidationError({"membership_days": Message("Give 1 to 3660 days, or a date it lasts until.")})
    return dict(
        membership_circle_id=circle_id, membership_days=draft.membership_days, membership_until=draft.membership_until
    )


def _check(draft: ProductDraft) -> dict[str, Any]:
    name = draft.name.strip()
    if not 1 <= len(name) <= NAME_MAX:
        raise ValidationError({"name": Message("A name has 1 to %(n)s characters.", n=NAME_MAX)})
    if len(draft.description) > DESCRIPTION_MAX:
        raise ValidationError({"description": Message("At most %(n)s characters.", n=DESCRIPTION_MAX)})
    for field, value in (("stock", draft.stock), ("per_member_limit", draft.per_member_limit)):
        if value is not None and (isinstance(value, bool) or not 0 <= value <= STOCK_MAX):
            raise ValidationError({field: Message("Give a whole number from 0, or leave it empty for no limit.")})
    if draft.per_member_limit == 0:
        raise ValidationError({"per_member_limit": Message("Give at least 1, or leave it empty for no limit.")})
    return dict(
        name=name,
        description=draft.description.strip(),
        price_fen=fen_of(draft.price),
        stock=draft.stock,
        per_member_limit=draft.per_member_limit,
        on_sale=draft.on_sale,
    )


async def create_product(viewer: User | None, slug: str, draft: ProductDraft, photos: Sequence[str] = ()) -> Product:
    access, _ = await managed(viewer, slug)
    values = {**_check(draft), **await _membership(viewer, draft), **await _member_price(viewer, draft)}
    html, _ = await render_body(values["description"], require_actor(access.viewer))
    async with transaction():
        product = await Product.create(circle_id=access.circle.id, html=html, photos=list(photos), **values)
        await set_uses(PHOTOS, product.id, [name[:64] for name in photos], circle_id=access.circle.id)
    return product


async def update_product(
    viewer: User | None, product_id: int, draft: ProductDraft, photos: Sequence[str] | None = None
) -> Product:
    """Change a product (its managers); ``photos`` (upload names, the first the cover) replaces its photos."""
    product, access = await get_product(viewer, product_id)
    if not access.is_circle_staff:
        raise Forbidden(Message("Only the circle's owners and moderators manage its shop."))
    values = {**_check(draft), **await _membership(viewer, draft), **await _member_price(viewer, draft)}
    values["html"], _ = await render_body(values["description"], require_actor(access.viewer))
    async with transaction():
        if photos is not None:
            values["photos"] = list(photos)
            await set_uses(PHOTOS, product.id, [name[:64] for name in photos], circle_id=access.circle.id)
        await Product.filter(id=product.id).update(**values)
    return await Product.get(id=product.id)


async def get_product(viewer: User | None, product_id: int) -> tuple[Product, CircleAccess]:
    """The product, if the viewer sees its circle (else NotFound); managers see those not on sale too."""
    product = await load_model(Product, "id = ?", product_id)
    circle = await load_model(Circle, "id = ?", product.circle_id) if product is not None else None
    if product is None or circle is None:
        raise NotFound(Message("No such product."))
    access = await circle_access(viewer, circle)
    if not access.can_view or (not product.on_sale and not access.is_circle_staff):
        raise NotFound(Message("No such product."))
    return product, access


async def products(viewer: User | None, slug: str) -> tuple[CircleAccess, list[Product]]:
    """The circle's showcase: what is on sale (and, for its managers, the rest too), newest first."""
    access = await access_by_slug(viewer, slug)
    where = "circle_id = ?" if access.is_circle_staff else "circle_id = ? AND on_sale"
    return access, await load_models(Product, where, access.circle.id, order="id DESC")


async def offers(circle: Circle) -> list[Offer]:
    """The circle's products on sale, newest first, as cards another page may feature (``circle_offers``)."""
    on_sale = await Product.filter(circle_id=circle.id, on_sale=True).order_by("-id").limit(50)
    return [
        Offer(
            f"product:{product.id}",
            Message("Product"),
            product.name,
            f"/products/{product.id}",
            price=f"¥{yuan(product.price_fen)}",
            picture=product.photos[0] if product.photos else "",
        )
        for product in on_sale
    ]


def summary(product: Product, length: int = 120) -> str:
    return plain_text_excerpt(product.html, length)
