"""E-mail addresses confirmed, as Discourse does: a new account is mailed a link to confirm its address, and a new
address replaces the old one only once the link mailed to it is opened. A site setting decides whether members
who have not confirmed their address may post (only while the site sends mail: otherwise nobody could)."""

from __future__ import annotations

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from tortoise.exceptions import IntegrityError

from core.access.site import site_staff
from core.accounts import names, service
from core.accounts.models import SignInKey, User
from core.accounts.names import has_address
from core.accounts.passwords import Passwords
from core.errors import Forbidden, Message, ValidationError
from core.mail.outbox import mail_enabled, queue_mail
from core.site.models import Setting
from core.sms.outbox import sms_enabled

SALT = "quanzi.verify-email"
VALID_SECONDS = 7 * 24 * 3600
SETTING = "verified_email_to_post"  # "1": members post only once their address is confirmed
PHONE_SETTING = "verified_phone_to_post"  # "1": only once they have confirmed a phone number
INVALID = Message("This link is not valid (any more). Ask for a new one from your settings.")


def _token(secret: str, user: User, address: str) -> str:
    return str(URLSafeTimedSerializer(secret, salt=SALT).dumps([user.id, user.email, address]))


async def send_link(secret: str, user: User, address: str | None = None) -> bool:
    """Mail ``address`` (the member's own by default, else the new one they asked for) a link that confirms it;
    whether it was queued (not on a site that sends no mail)."""
    address = address or user.email
    context = {
        "token": _token(secret, user, address),
        "username": user.username,
        "address": address,
        "change": address != user.email,
    }
    return await queue_mail(address, "verify_email", context, locale=user.locale)


async def request_change(secret: str, hasher: Passwords, user: User, new_address: str, password: str) -> None:
    """Mail a link to ``new_address``; the account's address changes when it is opened. The current password is
    asked for, if the account has one (one made by phone has none)."""
    if user.password_hash and not await hasher.verify(user.password_hash, password):
        raise ValidationError({"password": Message("This is not your current password.")})
    address = service.normalize_email(new_address)
    if len(address) > names.EMAIL_MAX or not names.EMAIL_PATTERN.match(address):
        raise ValidationError({"email": Message("Enter a valid e-mail address.")})
    if address == user.email:
        raise ValidationError({"email": Message("This is already your address.")})
    if await User.filter(email=address).exists():
        raise ValidationError({"email": Message("This e-mail address is already registered.")})
    if not await send_link(secret, user, address):
        raise ValidationError({"email": Message("This site sends no mail, so a new address cannot be confirmed.")})


async def pending(secret: str, token: str) -> tuple[User, str]:
    """The member and address a link confirms, while it is valid."""
    try:
        user_id, old, address = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=VALID_SECONDS)
    except (SignatureExpired, BadSignature, ValueError, TypeError):
        raise ValidationError({"token": INVALID}) from None
    user = await User.get_or_none(id=user_id) if isinstance(user_id, int) else None
    if user is None or user.email != old or not isinstance(address, str):
        raise ValidationError({"token": INVALID})  # the address has changed since the link was sent
    return user, address


async def confirm(secret: str, token: str) -> User:
    """Confirm the address a link was mailed to: the account's own, or the new one it asked for."""
    user, address = await pending(secret, token)
    try:
        changed = await User.filter(id=user.id, email=user.email).update(email=address, email_verified=True)
    except IntegrityError:
        raise ValidationError({"token": Message("This e-mail address is already registered.")}) from None
    if not changed:
        raise ValidationError({"token": INVALID})
    await user.refresh_from_db()
    return user


async def check_may_post(user: User) -> None:
    """Forbidden for a member whose address is unconfirmed where the site asks for confirmed addresses (an account
    made by phone has no address: its number was confirmed by the code)."""
    if site_staff(user):
        return
    rows = await Setting.filter(key__in=[SETTING, PHONE_SETTING], value="1").values_list("key", flat=True)
    asked = {str(key) for key in rows}
    if PHONE_SETTING in asked and sms_enabled():
        if not await SignInKey.filter(user_id=user.id, method="phone").exists():
            raise Forbidden(
                Message("Confirm a phone number in your settings before you post."), code="phone_unverified"
            )
    if user.email_verified or not has_address(user.email) or not mail_enabled():
        return
    if SETTING in asked:
        raise Forbidden(
            Message(
                "Confirm your e-mail address before you post: open the link we mailed to %(email)s, or send it "
                "again from your settings.",
                email=user.email,
            ),
            code="email_unverified",
        )
