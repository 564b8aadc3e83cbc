"""The core's own scenario template: a circle opened with a pinned welcome thread and house rules, in the language
of the person applying it (one club, one language)."""

from __future__ import annotations

from core.contract.kinds import Created, Scenario, ScenarioContext
from core.errors import Message
from core.threads import service as threads

TEXTS = {
    "zh_CN": {
        "rules_title": "圈子规则",
        "rules": "1. 友善待人，对事不对人。\n2. 不发广告，不刷屏。\n3. 有问题请联系圈主。",
        "welcome_title": "欢迎来到{name}",
        "welcome": "欢迎来到 **{name}**！先做个自我介绍吧：你是谁，为什么加入这个圈子？",
    },
    "en": {
        "rules_title": "House rules",
        "rules": "1. Be kind; argue with ideas, not people.\n2. No advertising, no flooding.\n3. Questions? Ask the "
        "circle's owners.",
        "welcome_title": "Welcome to {name}",
        "welcome": "Welcome to **{name}**! Start by introducing yourself: who you are, and what brought you here.",
    },
}


async def _apply(context: ScenarioContext) -> list[Created]:
    owner, circle = context.owner, context.circle
    text = TEXTS.get(context.locale, TEXTS["en"])
    rules = await threads.create_thread(owner, circle.slug, text["rules_title"], text["rules"], max_length=32_000)
    title = context.title or text["welcome_title"].format(name=circle.name)
    welcome = await threads.create_thread(
        owner, circle.slug, title, text["welcome"].format(name=circle.name), max_length=32_000
    )
    for thread in (rules, welcome):
        await threads.update_thread(owner, thread.id, {"pinned": True})
    return [Created("thread", thread.title, f"/t/{thread.id}") for thread in (welcome, rules)]


SCENARIO = Scenario(
    name="welcome",
    title=Message("Welcome kit"),
    description=Message("Opens the circle with a pinned welcome thread and house rules."),
    apply=_apply,
)
