"""Text-message senders (QUANZI_SMS_URL): Aliyun's and Tencent Cloud's signed APIs, spoken to a real HTTP server that
stands in for the vendor and answers as its documentation says, and the addresses that name each sender."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest

from core.errors import ConfigError
from core.sms.senders import AliyunSender, ConsoleSender, GatewaySender, TencentSender, parse_sms_url, rpc_signature
from core.testing import wait_for_jobs
from core.testing.gateway import TextGateway


class Vendor(TextGateway):
    """The vendor's stand-in: Aliyun answers ``{"Code": "OK"}``, Tencent a ``SendStatusSet`` of ``"Ok"``."""

    def reply(self, path: str, body: bytes) -> bytes:
        if body.startswith(b"{"):
            return json.dumps({"Response": {"SendStatusSet": [{"Code": "Ok"}], "RequestId": "r1"}}).encode()
        return json.dumps({"Code": "OK", "BizId": "b1", "Message": "OK"}).encode()


@pytest.fixture
def vendor():
    stand_in = Vendor().start()
    yield stand_in
    stand_in.stop()


def test_the_aliyun_signature_is_the_one_its_documentation_works_out():
    """Aliyun's worked example of an RPC signature (DescribeRegions, key "testid", secret "testsecret")."""
    query = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature("GET", query, "testsecret") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


def test_a_code_goes_to_aliyun_signed_with_the_code_as_its_template_variable(quanzi_site, vendor):
    sender = parse_sms_url(f"aliyun://KEYID:sec%2Bret@?sign_name=鹰山徒步会&template_code=SMS_1&endpoint={vendor.url}/")
    site = quanzi_site(sms=sender)
    assert site.post("/api/v1/auth/phone/code", json={"phone": "13800138000"}).status_code == 202
    wait_for_jobs(site)
    ((path, headers, body),) = vendor.requests
    form = dict(parse_qsl(body.decode()))
    assert form["Action"] == "SendSms" and form["PhoneNumbers"] == "+8613800138000"
    assert form["SignName"] == "鹰山徒步会" and form["TemplateCode"] == "SMS_1" and form["AccessKeyId"] == "KEYID"
    code = json.loads(form["TemplateParam"])["code"]
    assert isinstance(code, str) and len(code) == 6  # a string, as Aliyun asks (isv.INVALID_JSON_PARAM otherwise)
    signature = form.pop("Signature")
    assert signature == rpc_signature("POST", form, "sec+ret")
    verified = site.post("/api/v1/auth/phone/verify", json={"phone": "13800138000", "code": code})
    assert verified.status_code == 201


def test_a_code_goes_to_tencent_cloud_with_a_tc3_signature(quanzi_site, vendor):
    url = f"tencent://AKIDEXAMPLE:secretkey@?sdk_app_id=1400000000&sign_name=鹰山徒步会&template_id=42&endpoint={vendor.url}/"
    site = quanzi_site(sms=parse_sms_url(url))
    site.post("/api/v1/auth/phone/code", json={"phone": "+8613800138000"})
    wait_for_jobs(site)
    ((_, headers, body),) = vendor.requests
    sent = json.loads(body)
    assert sent["PhoneNumberSet"] == ["+8613800138000"] and sent["SmsSdkAppId"] == "1400000000"
    assert sent["TemplateId"] == "42" and sent["SignName"] == "鹰山徒步会" and len(sent["TemplateParamSet"][0]) == 6
    assert headers["x-tc-action"] == "SendSms" and headers["x-tc-version"] == "2021-01-11"
    authorization = headers["authorization"]
    assert authorization.startswith("TC3-HMAC-SHA256 Credential=AKIDEXAMPLE/") and "/sms/tc3_request" in authorization
    sender = parse_sms_url(url)
    assert isinstance(sender, TencentSender)
    again = sender.signed_headers(body.decode(), int(headers["x-tc-timestamp"]))
    assert again["Authorization"] == authorization  # what was sent is what the key signs for that moment


def test_each_address_names_its_sender_and_a_bad_one_says_what_is_missing():
    assert isinstance(parse_sms_url("console://"), ConsoleSender)
    assert isinstance(parse_sms_url("https://sms.example.org/send"), GatewaySender)
    aliyun = parse_sms_url("aliyun://id:secret@?sign_name=a&template_code=b")
    assert isinstance(aliyun, AliyunSender) and "secret" not in aliyun.address
    for bad in ("aliyun://id:secret@?sign_name=a", "tencent://id@?sdk_app_id=1&sign_name=a&template_id=2", "ftp://x"):
        with pytest.raises(ConfigError):
            parse_sms_url(bad)
