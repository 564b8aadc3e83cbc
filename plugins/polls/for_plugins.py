"""What the polls plugin offers the plugins that require it (``requires=("polls", ...)``): they import this module
alone, never the plugin's other modules, so that those stay free to change."""

from plugins.polls.models import Poll, Survey
from plugins.polls.service import PollDraft, create_poll
from plugins.polls.surveys import QuestionDraft, SurveyDraft, create_survey

__all__ = ["Poll", "PollDraft", "QuestionDraft", "Survey", "SurveyDraft", "create_poll", "create_survey"]
