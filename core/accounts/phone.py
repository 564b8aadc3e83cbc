"""Signing in with a phone number and a code by text message, and binding a number to an account.

Numbers are E.164, parsed by ``phonenumbers`` (eleven digits that start with 1 are Chinese mobiles: ``+86``). A
code is six digits, valid ten minutes, dead after five tries or one use; only its HMAC under the site's secret is
kept. One code a minute and ten a day per number, whatever the rate-limit scale: they protect the club's text
message bill. The answer to "send me a code" is the same whether or not the number has an account."""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import timedelta

import phonenumbers
from tortoise.exceptions import IntegrityError
from tortoise.expressions import F
from tortoise.transactions import in_transaction

from core.accounts import service
from core.accounts.models import PhoneCode, SignInKey, User
from core.config import Config
from core.errors import Conflict, Message, TooManyRequests, ValidationError
from core.sms.outbox import queue_text
from core.times import now

PHONE = "phone"  # the sign-in method, and SignInKey.method
SIGN_IN, BIND = "sign_in", "bind"  # what a code is for: one asked to sign in cannot bind a number, nor the reverse
VALID = timedelta(minutes=10)
TRIES = 5
GAP = timedelta(minutes=1)
DAY, PER_DAY = timedelta(days=1), 10
DEAD = Message("This code is wrong or no longer valid: ask for a new one.")


def offered(config: Config) -> bool:
    """Whether this site signs in by phone: it sends text messages (``QUANZI_SMS_URL``)."""
    return config.sms is not None


def parse_phone(raw: str) -> str:
    """``raw`` as E.164 (``+8613800000000``), or a ValidationError on ``phone``."""
    try:
        number = phonenumbers.parse(raw.strip(), "CN")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": Message("Enter a mobile number, e.g. 13800000000 or +8613800000000.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _digest(secret: str, phone: str, purpose: str, code: str) -> str:
    return hmac.new(secret.encode(), f"{purpose}:{phone}:{code}".encode(), hashlib.sha256).hexdigest()


async def send_code(secret: str, phone: str, purpose: str, locale: str = "") -> None:
    """Text a new code to ``phone`` for ``purpose`` (the one before dies); TooManyRequests within a minute of the
    last, or past ten in a day. The limits are decided by one conditional write, so parallel requests send one."""
    code = f"{secrets.randbelow(10**6):06d}"
    moment = now()
    async with in_transaction():
        try:
            async with in_transaction():
                await PhoneCode.create(
                    phone=phone, purpose=purpose, expires_at=moment, sent_at=moment - DAY, day_started_at=moment
                )
        except IntegrityError:
            pass  # the number has asked before: its row holds the counts
        fresh_day = PhoneCode.filter(phone=phone, purpose=purpose, day_started_at__lte=moment - DAY)
        await fresh_day.update(day_started_at=moment, sent_today=0)
        sent = await PhoneCode.filter(
            phone=phone, purpose=purpose, sent_at__lte=moment - GAP, sent_today__lt=PER_DAY
        ).update(
            code_hash=_digest(secret, phone, purpose, code),
            tries=0,
            expires_at=moment + VALID,
            sent_at=moment,
            sent_today=F("sent_today") + 1,
        )
        if not sent:
            row = await PhoneCode.get(phone=phone, purpose=purpose)
            wait = row.sent_at + GAP if row.sent_today < PER_DAY else row.day_started_at + DAY
            raise TooManyRequests(math.ceil((wait - now()).total_seconds()))
        await queue_text(phone, "code", {"code": code}, locale=locale)


async def use_code(secret: str, phone: str, purpose: str, code: str) -> None:
    """Spend the code texted to ``phone`` for ``purpose``: a ValidationError on ``code`` when it is wrong, expired,
    used or out of tries. Each try is counted before the code is compared, so parallel guesses get five in all."""
    moment = now()
    tried = await PhoneCode.filter(
        phone=phone, purpose=purpose, tries__lt=TRIES, expires_at__gt=moment, code_hash__isnull=False
    ).update(tries=F("tries") + 1)
    digest = _digest(secret, phone, purpose, code.strip())
    if not tried or not await PhoneCode.filter(phone=phone, purpose=purpose, code_hash=digest).update(code_hash=None):
        raise ValidationError({"code": DEAD})


async def phone_of(user: User) -> str | None:
    """The number bound to ``user``, if any (never shown to other members)."""
    key = await SignInKey.get_or_none(user_id=user.id, method=PHONE)
    return key.key if key else None


async def sign_in(secret: str, phone: str, code: str, locale: str = "") -> tuple[User, bool]:
    """The account that holds ``phone``, or a new one made for it (a generated username, no password, no e-mail
    address): (the account, whether it was made). The code is spent first: a wrong one makes nothing."""
    await use_code(secret, phone, SIGN_IN, code)
    return await service.account_for_keys(PHONE, [phone], "m", locale=locale)


async def bind(secret: str, user: User, phone: str, code: str) -> None:
    """Bind ``phone`` to ``user`` with the code texted to it (replacing the number they had); Conflict when another
    account holds it."""
    await use_code(secret, phone, BIND, code)
    holder = await SignInKey.get_or_none(method=PHONE, key=phone)
    if holder is not None and holder.user_id != user.id:
        raise Conflict(Message("Another account holds this number."), code="phone_taken")
    if holder is None:
        async with in_transaction():
            await SignInKey.filter(user_id=user.id, method=PHONE).delete()
            try:
                async with in_transaction():
                    await SignInKey.create(user=user, method=PHONE, key=phone)
            except IntegrityError:
                raise Conflict(Message("Another account holds this number."), code="phone_taken") from None


async def sweep() -> int:
    """Forget the numbers that asked for no code for a day (their day's count is over, their code dead)."""
    day_ago = now() - timedelta(days=1)
    return await PhoneCode.filter(day_started_at__lt=day_ago, expires_at__lt=now()).delete()
