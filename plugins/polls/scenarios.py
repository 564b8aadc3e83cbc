"""The polls plugin's scenario template: the customer survey a club owner shares into a chat group."""

from __future__ import annotations

from core.plugins import Created, Scenario, ScenarioContext, Visibility
from plugins.polls import surveys

INTRO = """感谢光临！花一分钟告诉我们你的感受，我们会认真阅读每一条意见。

Thank you for coming! Tell us in a minute how it was; we read every answer."""

QUESTIONS = [
    surveys.QuestionDraft("rating", "总体满意度 · Overall, how satisfied are you?", required=True),
    surveys.QuestionDraft(
        "single",
        "你是怎么知道我们的？ · How did you hear of us?",
        ["朋友推荐 · A friend", "微信群 · A WeChat group", "传单 · A flyer", "其他 · Other"],
    ),  # fmt: skip
    surveys.QuestionDraft(
        "multiple",
        "你还想参加哪些活动？ · What else would you join?",
        ["品鉴会 · Tastings", "户外活动 · Outings", "讲座 · Talks", "线上交流 · Online chats"],
    ),  # fmt: skip
    surveys.QuestionDraft("rating", "你会向朋友推荐我们吗？ · Would you recommend us to a friend?"),
    surveys.QuestionDraft("text", "还有什么想对我们说的？ · Anything else you want to tell us?"),
]


async def _apply(context: ScenarioContext) -> list[Created]:
    draft = surveys.SurveyDraft(
        title=context.title or "客户满意度调查 · Customer survey",
        body=INTRO,
        questions=QUESTIONS,
        public=context.circle.visibility == Visibility.PUBLIC,  # in a public circle, guests answer from the link
    )
    survey = await surveys.create_survey(
        context.owner, context.circle.slug, draft, max_length=32_000, max_options=20, max_questions=30
    )
    return [
        Created("survey", draft.title, f"/surveys/{survey.id}"),
        Created("share", draft.title, f"/surveys/{survey.id}/share"),
    ]


SCENARIO = Scenario(
    name="customer_survey",
    title="Customer survey · 客户满意度调查",
    description="A ready-made satisfaction survey in Chinese and English: ratings, how people heard of you, what "
    "else they would join, and their comments. In a public circle guests answer it from its link or QR code.",
    apply=_apply,
    requires=("polls",),
)
