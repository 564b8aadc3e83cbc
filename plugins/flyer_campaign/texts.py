"""What a new campaign's page says at first, in its language (the owner rewrites it block by block)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Texts:
    title: str
    description: str
    intro: str
    signup_label: str
    button: str
    consent: str
    poster: str  # under the poster's QR code


TEXTS = {
    "zh_CN": Texts(
        title="春季品鉴会",
        description="{circle}邀请你加入，一起品鉴、交流。",
        intro="{circle}的春季品鉴会开始报名啦！注册后你会直接成为圈子成员，活动通知、讨论都在这里。",
        signup_label="立即加入",
        button="先看看{circle}",
        consent="我同意{circle}使用我填写的联系方式（手机号或邮箱），用于会员服务和活动通知；我可以随时退出圈子或注销账号。",
        poster="扫码报名，直接加入",
    ),
    "en": Texts(
        title="Spring tasting",
        description="{circle} invites you to join them.",
        intro="Sign up for {circle}'s spring tasting! Once you sign up you are a member of the club: its news and "
        "discussions are all here.",
        signup_label="Join now",
        button="Have a look at {circle} first",
        consent="I agree that {circle} uses the contact details I give (a phone number or an e-mail address) for its "
        "members' services and notices; I can leave the circle or close my account at any time.",
        poster="Scan to sign up and join",
    ),
}


def texts(locale: str) -> Texts:
    return TEXTS.get(locale, TEXTS["en"])
