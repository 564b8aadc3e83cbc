"""The core's own scenario template: a circle opened with a pinned welcome thread and house rules."""

from __future__ import annotations

from core.contract.kinds import Created, Scenario, ScenarioContext
from core.threads import service as threads

WELCOME_BODY = """欢迎来到 **{name}**！先做个自我介绍吧：你是谁，为什么加入这个圈子？

Welcome to **{name}**! Start by introducing yourself: who you are, and what brought you here."""

RULES_BODY = """1. 友善待人，对事不对人。Be kind; argue with ideas, not people.
2. 不发广告，不刷屏。No advertising, no flooding.
3. 有问题请联系圈主。Questions? Ask the circle's owners."""


async def _apply(context: ScenarioContext) -> list[Created]:
    owner, circle = context.owner, context.circle
    rules = await threads.create_thread(owner, circle.slug, "圈子规则 · House rules", RULES_BODY, max_length=32_000)
    title = context.title or f"欢迎 · Welcome to {circle.name}"
    welcome = await threads.create_thread(
        owner, circle.slug, title, WELCOME_BODY.format(name=circle.name), max_length=32_000
    )
    for thread in (rules, welcome):
        await threads.update_thread(owner, thread.id, {"pinned": True})
    return [Created("thread", thread.title, f"/t/{thread.id}") for thread in (welcome, rules)]


SCENARIO = Scenario(
    name="welcome",
    title="Welcome kit · 欢迎套件",
    description="Opens a circle with a pinned welcome thread and house rules, in Chinese and English.",
    apply=_apply,
)
