"""What a new club says at first, in its language (its owners rewrite any of it)."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.polls.for_plugins import QuestionDraft


@dataclass(frozen=True)
class Texts:
    welcome_title: str
    welcome_body: str  # {circle}, {club} (the club page's address)
    rules_title: str
    rules_body: str
    ideas_name: str
    ideas_description: str
    vip_name: str
    vip_description: str
    levels: tuple[tuple[str, int], ...]  # name, the points it starts at
    product: str
    product_description: str
    trial_title: str
    trial_body: str
    event_title: str
    event_body: str
    survey_title: str
    survey_body: str
    survey: tuple[QuestionDraft, ...]
    labels: dict[str, str]


TEXTS = {
    "zh_CN": Texts(
        welcome_title="欢迎来到{circle}！",
        welcome_body="这里是{circle}的会员俱乐部。发帖、参加活动、回答问卷、写试用报告，都能获得积分；积分升级后，"
        "金卡会员自动进入 VIP 圈子，优先参加新品试用。\n\n[我的积分和等级]({club})",
        rules_title="俱乐部规则",
        rules_body="1. 友善交流，不发广告。\n2. 积分只来自真实参与：同一件事只计一次，每天有上限；给自己的回复和投票不计分。\n"
        "3. 积分规则调整时，已获得的积分不会被收回。\n4. 产品问题请到投诉与建议台提交，我们会跟踪到底。\n\n"
        "[当前积分规则和等级]({club})",
        ideas_name="{circle} · 想法",
        ideas_description="提出你的想法，为喜欢的想法投票；团队会公开每个想法的进展。",
        vip_name="{circle} · VIP",
        vip_description="金卡及以上会员的专属圈子：新品抢先看、优先试用。",
        levels=(("新会员", 0), ("银卡会员", 50), ("金卡会员", 200), ("黑金会员", 600)),
        product="新品试用装",
        product_description="俱乐部会员专享的新品试用装。",
        trial_title="新品试用招募",
        trial_body="申请试用，收到后在两周内写一篇试用报告。",
        event_title="会员见面会",
        event_body="和团队、其他会员面对面聊聊。",
        survey_title="会员满意度调查",
        survey_body="花一分钟告诉我们你的感受。",
        survey=(
            QuestionDraft("rating", "总体满意度", required=True),
            QuestionDraft("rating", "你会向朋友推荐我们吗？"),
            QuestionDraft("text", "最希望我们改进什么？"),
        ),
        labels={
            "club": "俱乐部",
            "welcome": "欢迎帖",
            "rules": "规则",
            "ideas": "想法墙",
            "vip": "VIP 圈子",
            "shop": "商品橱窗",
            "trial": "新品试用",
            "complaints": "投诉与建议台",
            "event": "会员见面会",
            "survey": "满意度调查",
        },
    ),
    "en": Texts(
        welcome_title="Welcome to {circle}!",
        welcome_body="This is {circle}'s members' club. Posts, meet-ups, surveys and trial reports earn points; as "
        "your level rises, gold members enter the VIP circle and get first pick of trials.\n\n[Your points and "
        "level]({club})",
        rules_title="The club's rules",
        rules_body="1. Be kind; no advertising.\n2. Points come from taking part: the same act counts once, and each "
        "day has a cap; replies in your own threads and votes for yourself earn nothing.\n3. When the rules change, "
        "what you earned stays.\n4. Problems with a product go to the complaints desk, and we follow them up.\n\n"
        "[Today's points rules and levels]({club})",
        ideas_name="{circle} · Ideas",
        ideas_description="Share your ideas and vote for the ones you like; the team shows where each one stands.",
        vip_name="{circle} · VIP",
        vip_description="For gold members and above: first looks and first pick of trials.",
        levels=(("Newcomer", 0), ("Silver", 50), ("Gold", 200), ("Black gold", 600)),
        product="Trial pack",
        product_description="A trial pack of what is new, for the club's members.",
        trial_title="Try what is new",
        trial_body="Apply for a trial pack and write a report within two weeks of receiving it.",
        event_title="Members' meet-up",
        event_body="Meet the team and other members in person.",
        survey_title="How happy are you with us?",
        survey_body="A minute to tell us how we are doing.",
        survey=(
            QuestionDraft("rating", "Overall, how satisfied are you?", required=True),
            QuestionDraft("rating", "Would you recommend us to a friend?"),
            QuestionDraft("text", "What should we improve first?"),
        ),
        labels={
            "club": "Club",
            "welcome": "Welcome thread",
            "rules": "Rules",
            "ideas": "Ideas board",
            "vip": "VIP circle",
            "shop": "Showcase",
            "trial": "Trial",
            "complaints": "Complaints desk",
            "event": "Meet-up",
            "survey": "Satisfaction survey",
        },
    ),
}


def texts(locale: str) -> Texts:
    return TEXTS.get(locale, TEXTS["en"])
