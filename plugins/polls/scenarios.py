"""The polls plugin's scenario template: the customer survey a club owner shares into a chat group, written in the
language of the owner who applies it."""

from __future__ import annotations

from dataclasses import dataclass

from core.plugins import Created, Message, Scenario, ScenarioContext, is_public
from plugins.polls import surveys


@dataclass(frozen=True)
class Texts:
    title: str
    intro: str
    questions: list[surveys.QuestionDraft]


TEXTS = {
    "zh_CN": Texts(
        title="客户满意度调查",
        intro="感谢光临！花一分钟告诉我们你的感受，我们会认真阅读每一条意见。",
        questions=[
            surveys.QuestionDraft("rating", "总体满意度", required=True),
            surveys.QuestionDraft("single", "你是怎么知道我们的？", ["朋友推荐", "微信群", "传单", "其他"]),
            surveys.QuestionDraft("multiple", "你还想参加哪些活动？", ["品鉴会", "户外活动", "讲座", "线上交流"]),
            surveys.QuestionDraft("rating", "你会向朋友推荐我们吗？"),
            surveys.QuestionDraft("text", "还有什么想对我们说的？"),
        ],
    ),
    "en": Texts(
        title="Customer survey",
        intro="Thank you for coming! Tell us in a minute how it was; we read every answer.",
        questions=[
            surveys.QuestionDraft("rating", "Overall, how satisfied are you?", required=True),
            surveys.QuestionDraft(
                "single", "How did you hear of us?", ["A friend", "A WeChat group", "A flyer", "Other"]
            ),
            surveys.QuestionDraft(
                "multiple", "What else would you join?", ["Tastings", "Outings", "Talks", "Online chats"]
            ),
            surveys.QuestionDraft("rating", "Would you recommend us to a friend?"),
            surveys.QuestionDraft("text", "Anything else you want to tell us?"),
        ],
    ),
}


async def _apply(context: ScenarioContext) -> list[Created]:
    text = TEXTS.get(context.locale, TEXTS["en"])
    draft = surveys.SurveyDraft(
        title=context.title or text.title,
        body=text.intro,
        questions=text.questions,
        public=is_public(context.circle),  # in a public circle, guests answer from the link
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
    title=Message("Customer survey"),
    description=Message(
        "A ready-made satisfaction survey: ratings, how people heard of you, what else they would join, and their "
        "comments. In a public circle guests answer it from its link or QR code."
    ),
    apply=_apply,
    requires=("polls",),
)
