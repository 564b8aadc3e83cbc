"""What the meeting kit writes into a club, in the language it is set up in (one club, one language)."""

from __future__ import annotations

from dataclasses import dataclass

from plugins.polls.for_plugins import QuestionDraft


@dataclass(frozen=True)
class Texts:
    title: str
    intro: str
    questions: tuple[tuple[str, str, str, bool], ...]  # the registration's: (name, kind, label, required)
    agenda: tuple[tuple[int, int, str], ...]  # minutes after the start, minutes long, title
    feedback_title: str  # "%s": the agenda item's title
    feedback_options: tuple[str, ...]
    survey_title: str
    survey_intro: str
    survey: tuple[QuestionDraft, ...]
    labels: dict[str, str]  # what the person applying it is shown it made


TEXTS = {
    "zh_CN": Texts(
        title="年度会员大会",
        intro="欢迎参加年度会员大会！请先报名，会议当天凭电子票二维码签到。议程、通知和会后反馈都在会议主页。",
        questions=(
            ("name", "short_text", "姓名", True),
            ("organisation", "short_text", "单位", False),
            ("phone", "phone", "手机号", True),
        ),
        agenda=(
            (0, 30, "签到"),
            (30, 30, "开幕致辞"),
            (60, 60, "年度工作报告"),
            (120, 15, "茶歇"),
            (135, 45, "讨论与表决"),
        ),
        feedback_title="反馈：%s",
        feedback_options=("很好", "好", "一般", "不满意"),
        survey_title="会后问卷",
        survey_intro="感谢参会！请花一分钟告诉我们你的感受，帮助我们把下次会议办得更好。",
        survey=(
            QuestionDraft("rating", "总体满意度", required=True),
            QuestionDraft("rating", "会议组织（报名、签到、通知）"),
            QuestionDraft("multiple", "哪些环节对你最有用？", ["工作报告", "讨论", "交流", "其他"]),
            QuestionDraft("text", "有什么建议？"),
        ),
        labels={
            "meeting": "会议主页",
            "agenda": "议程",
            "notices": "通知栏",
            "badges": "胸牌（打印）",
            "checkin": "签到台",
        },
    ),
    "en": Texts(
        title="Annual general meeting",
        intro="Welcome to the annual general meeting! Register first; on the day, your ticket's QR code checks you "
        "in. The agenda, notices and feedback afterwards are all on the meeting's page.",
        questions=(
            ("name", "short_text", "Name", True),
            ("organisation", "short_text", "Organisation", False),
            ("phone", "phone", "Mobile phone", True),
        ),
        agenda=(
            (0, 30, "Registration and check-in"),
            (30, 30, "Opening"),
            (60, 60, "Annual report"),
            (120, 15, "Break"),
            (135, 45, "Discussion and votes"),
        ),
        feedback_title="Feedback: %s",
        feedback_options=("Very good", "Good", "So-so", "Not good"),
        survey_title="After the meeting",
        survey_intro="Thank you for coming! Tell us in a minute how it was, so that the next meeting is better.",
        survey=(
            QuestionDraft("rating", "Overall, how satisfied are you?", required=True),
            QuestionDraft("rating", "The organisation (registration, check-in, notices)"),
            QuestionDraft(
                "multiple", "What was most useful to you?", ["The report", "Discussion", "Meeting people", "Other"]
            ),
            QuestionDraft("text", "What would you suggest?"),
        ),
        labels={
            "meeting": "Meeting page",
            "agenda": "Agenda",
            "notices": "Notice board",
            "badges": "Name badges (print)",
            "checkin": "Check-in desk",
        },
    ),
}


def texts(locale: str) -> Texts:
    return TEXTS.get(locale, TEXTS["en"])
