"""Where text messages go, from ``QUANZI_SMS_URL``: ``console://`` (the server's log, for trying it out),
``http://`` or ``https://`` (a gateway of one's own: each message POSTed as JSON ``{"to", "text"}``),
``aliyun://KEY_ID:SECRET@?sign_name=...&template_code=...`` (Aliyun SMS, Dysmsapi 2017-05-25) and
``tencent://SECRET_ID:SECRET_KEY@?sdk_app_id=...&sign_name=...&template_id=...`` (Tencent Cloud SMS 2021-01-11).

The vendors send only templates their reviewers approved, with the club's own signature: the text is theirs and
the message's ``params`` (the code) fill it; a gateway of one's own gets the whole text. A sender raises
``SmsError`` when the message was not taken, and the job that called it tries again later."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from urllib.parse import parse_qs, quote, unquote, urlsplit

import httpx2

from core.errors import ConfigError

log = logging.getLogger("quanzi.sms")
TIMEOUT = 10.0


class SmsError(Exception):
    """The message was not taken (the gateway refused it or could not be reached)."""


@dataclass(frozen=True)
class TextMessage:
    to: str  # E.164: +8613800000000
    text: str  # the whole message, in the member's language
    params: dict[str, str] = field(default_factory=dict)  # for the vendors' templates: {"code": "123456"}
    template: str = "code"  # which of the vendor's approved templates: "code", or "notification"


class SmsSender(Protocol):
    @property
    def address(self) -> str:
        """Where messages go, for the admin area: never a secret."""

    @property
    def sends_notifications(self) -> bool:
        """Whether it may carry notifications (a vendor needs a second approved template for them)."""

    async def send(self, message: TextMessage) -> None: ...


@dataclass(frozen=True)
class ConsoleSender:
    address: str = "console://"
    sends_notifications: bool = True

    async def send(self, message: TextMessage) -> None:
        log.warning("text message to %s: %s", message.to, message.text)


@dataclass(frozen=True)
class GatewaySender:
    """A gateway of one's own: any 2xx answer is sent."""

    url: str
    sends_notifications: bool = True

    @property
    def address(self) -> str:
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}{parts.path}"

    async def send(self, message: TextMessage) -> None:
        await _post(self.url, json={"to": message.to, "text": message.text})


@dataclass(frozen=True)
class AliyunSender:
    """Aliyun SMS ``SendSms``, signed as its RPC API documents (HMAC-SHA1 over the sorted, encoded query)."""

    key_id: str
    secret: str
    sign_name: str
    template_code: str
    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    notification_template_code: str = ""  # a template with ${text} and ${url}, for notifications

    @property
    def sends_notifications(self) -> bool:
        return bool(self.notification_template_code)

    @property
    def address(self) -> str:
        return f"aliyun://{self.key_id}@?sign_name={self.sign_name}&template_code={self.template_code}"

    def signed_query(self, message: TextMessage, nonce: str, timestamp: str) -> dict[str, str]:
        query = {
            "AccessKeyId": self.key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "PhoneNumbers": message.to,
            "RegionId": "cn-hangzhou",
            "SignName": self.sign_name,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "TemplateCode": self.notification_template_code
            if message.template == "notification"
            else self.template_code,
            "TemplateParam": json.dumps(message.params, ensure_ascii=False),  # values are strings: {"code": "..."}
            "Timestamp": timestamp,
            "Version": "2017-05-25",
        }
        return {**query, "Signature": rpc_signature("POST", query, self.secret)}

    async def send(self, message: TextMessage) -> None:
        timestamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        answer = await _post(self.endpoint, data=self.signed_query(message, secrets.token_hex(16), timestamp))
        if answer.get("Code") != "OK":
            raise SmsError(f"Aliyun refused the message: {answer.get('Code')} {answer.get('Message', '')}")


@dataclass(frozen=True)
class TencentSender:
    """Tencent Cloud SMS ``SendSms`` (2021-01-11), signed with TC3-HMAC-SHA256 as its API documents."""

    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    region: str = "ap-guangzhou"
    endpoint: str = "https://sms.tencentcloudapi.com/"
    notification_template_id: str = ""  # a template with {1} (the text) and {2} (the address), for notifications

    @property
    def sends_notifications(self) -> bool:
        return bool(self.notification_template_id)

    @property
    def address(self) -> str:
        return f"tencent://{self.secret_id}@?sdk_app_id={self.sdk_app_id}&template_id={self.template_id}"

    def signed_headers(self, body: str, timestamp: int) -> dict[str, str]:
        host = urlsplit(self.endpoint).hostname or "sms.tencentcloudapi.com"
        day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        canonical = "\n".join(
            [
                "POST",
                "/",
                "",
                f"content-type:application/json; charset=utf-8\nhost:{host}\n",
                "content-type;host",
                hashlib.sha256(body.encode()).hexdigest(),
            ]
        )
        scope = f"{day}/sms/tc3_request"
        to_sign = f"TC3-HMAC-SHA256\n{timestamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        key = _hmac(f"TC3{self.secret_key}".encode(), day)
        for part in ("sms", "tc3_request"):
            key = _hmac(key, part)
        signature = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        return {
            "Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/{scope}, "
            f"SignedHeaders=content-type;host, Signature={signature}",
            "Content-Type": "application/json; charset=utf-8",
            "Host": host,
            "X-TC-Action": "SendSms",
            "X-TC-Version": "2021-01-11",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Region": self.region,
        }

    async def send(self, message: TextMessage) -> None:
        body = json.dumps(
            {
                "PhoneNumberSet": [message.to],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": self.sign_name,
                "TemplateId": self.notification_template_id if message.template == "notification" else self.template_id,
                "TemplateParamSet": list(message.params.values()),
            },
            ensure_ascii=False,
        )
        answer = await _post(self.endpoint, content=body, headers=self.signed_headers(body, int(time.time())))
        response = answer.get("Response", {})
        statuses = response.get("SendStatusSet") or [{}]
        if "Error" in response or statuses[0].get("Code") != "Ok":
            problem = response.get("Error") or statuses[0]
            raise SmsError(f"Tencent Cloud refused the message: {problem.get('Code')} {problem.get('Message', '')}")


def rpc_signature(method: str, query: dict[str, str], secret: str) -> str:
    """Aliyun's RPC signature (SignatureVersion 1.0): HMAC-SHA1 with ``secret&`` over the method and the sorted,
    percent-encoded query."""
    canonical = "&".join(f"{_pct(key)}={_pct(value)}" for key, value in sorted(query.items()))
    to_sign = f"{method}&{_pct('/')}&{_pct(canonical)}"
    return base64.b64encode(hmac.new(f"{secret}&".encode(), to_sign.encode(), hashlib.sha1).digest()).decode()


def _pct(value: str) -> str:
    return quote(value, safe="~")


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


async def _post(url: str, **request: object) -> dict[str, Any]:
    try:
        async with httpx2.AsyncClient(timeout=TIMEOUT) as client:
            answer = await client.post(url, **request)  # type: ignore[arg-type]
    except httpx2.HTTPError as error:
        raise SmsError(f"{url} could not be reached: {error}") from None
    if not answer.is_success:
        raise SmsError(f"{url} answered {answer.status_code}: {answer.text[:200]}")
    try:
        found = answer.json()
    except ValueError:
        return {}
    return found if isinstance(found, dict) else {}


def parse_sms_url(url: str) -> SmsSender:
    """The sender ``QUANZI_SMS_URL`` names; a ConfigError saying what is missing otherwise."""
    parts = urlsplit(url)
    options = {name: values[0] for name, values in parse_qs(parts.query).items()}
    user, password = unquote(parts.username or ""), unquote(parts.password or "")

    def need(*names: str) -> list[str]:
        missing = [name for name in names if not options.get(name)]
        if missing or not user or not password:
            raise ConfigError(f"QUANZI_SMS_URL ({parts.scheme}://) needs the key, its secret and {', '.join(names)}")
        return [options[name] for name in names]

    if parts.scheme == "console":
        return ConsoleSender()
    if parts.scheme in ("http", "https") and parts.hostname:
        return GatewaySender(url)
    if parts.scheme == "aliyun":
        sign_name, template_code = need("sign_name", "template_code")
        endpoint = options.get("endpoint", AliyunSender.endpoint)
        return AliyunSender(
            user, password, sign_name, template_code, endpoint, options.get("notification_template_code", "")
        )
    if parts.scheme == "tencent":
        app, sign_name, template = need("sdk_app_id", "sign_name", "template_id")
        region, endpoint = options.get("region", TencentSender.region), options.get("endpoint", TencentSender.endpoint)
        notices = options.get("notification_template_id", "")
        return TencentSender(user, password, app, sign_name, template, region, endpoint, notices)
    raise ConfigError("QUANZI_SMS_URL starts with console://, http://, https://, aliyun:// or tencent://")
