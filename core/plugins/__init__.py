"""The core API for plugins: everything a plugin may use of the core, and nothing else (a test holds the bundled
plugins to it). ``docs/plugins.md`` ("The core API for plugins") documents each name; a name stays until a major
version says otherwise.

    from core.plugins import ContentKind, ThreadAccess, create_thread, hookimpl, render, ...

- The hook contract: ``hookimpl``, the values handed through hooks (``ContentKind``, ``SlotContent``, ...), the
  manifest (``PluginManifest``, ``Setting``).
- Access: ``scope_of`` (what a viewer sees), ``CircleAccess``, ``ThreadAccess``, ``Audience`` (objects seen by named
  people), ``Action`` and ``allowed`` (actions other plugins may refuse), ``require_actor``, ``acting``.
- Content: ``create_thread`` with what the plugin attaches, ``get_thread``, ``attached_content``, ``access_by_slug``;
  ``notify`` and ``notify_about`` (in-app notifications); ``index_later`` (tell search a document changed);
  pictures (``chosen``, ``receive_picture``, ``set_uses`` with ``PUBLIC``, ``pictures``, ``Picture``).
- Web: ``render`` (a page of the theme), ``Form`` and ``read_form`` (forms with their CSRF check), ``safe_next``,
  ``resolve_viewer``, ``site_of`` (the typed ``Site``), ``mark_personal`` (keep a page out of the guest cache);
  the JSON API: ``ApiRouter``, ``ApiCall``, ``Body``, ``JSONResponse``.
- Errors (``NotFound``, ``Forbidden``, ``ValidationError``, ...), ``transaction``, paging (``Page``, ``paginate``,
  ``parse_limit``), numbers (``whole_number``) and time (``now``, ``parse_api_time``, ``parse_form_time``,
  ``site_timezone``).
"""

from __future__ import annotations

from core.access.actions import Action, allowed
from core.access.audience import Audience
from core.access.circles import CircleAccess, circle_access
from core.access.scope import Scope, acting, is_public, require_actor, scope_of
from core.access.threads import ThreadAccess
from core.accounts.models import SignInKey, User
from core.accounts.serialize import user_ref
from core.accounts.signin import log_in
from core.accounts.signup import (
    guests_join_by_phone,
    join_by_phone,
    phone_offered,
    sign_up,
    sign_up_by_phone,
    text_code,
)
from core.circles.models import Circle, JoinPolicy, Visibility
from core.circles.service import access_by_slug, admit, circle_members, circle_staff, create_circle, dismiss
from core.contract import hookimpl
from core.contract.kinds import (
    ContentKind,
    Created,
    JobContext,
    JobKind,
    ModelsApp,
    NotificationChannel,
    NotificationKind,
    Offer,
    PerPost,
    Reach,
    Scenario,
    ScenarioContext,
    SearchDocument,
    SearchSource,
    SignInMethod,
    Slot,
    SlotContent,
    Unreachable,
    answers_slots,
)
from core.contract.manifest import PluginManifest, Setting
from core.db import transaction
from core.errors import Conflict, Forbidden, Message, NotFound, Unauthorized, ValidationError
from core.forms.export import csv_response, safe_cell
from core.forms.fields import (
    RATINGS,
    Field,
    FieldKind,
    answer_text,
    answers_from_form,
    check_answer,
    check_answers,
    clean_fields,
    clean_options,
    ordered_answers,
)
from core.forms.guard import guest_check, is_bot
from core.jobs.queue import cancel_job, enqueue_job
from core.mail.outbox import mail_enabled, queue_mail
from core.markdown import plain_text_excerpt
from core.notifications.notices import NoticeSummary, notices_among, send_notice
from core.notifications.service import notify, notify_about
from core.numbers import whole_number
from core.pagination import Page, paginate, parse_limit
from core.pluginhost.running import announce_act, offers_of
from core.search.outbox import enqueue as index_later
from core.sql import fetch as fetch_rows
from core.sql import fetch_one as fetch_row
from core.sql import model as load_model
from core.sql import models as load_models
from core.sql import placeholders
from core.threads.models import Post, Thread
from core.threads.service import attached_content, create_post, create_thread, get_thread, render_body
from core.times import now, parse_api_time, parse_form_time, site_timezone
from core.uploads.images import Picture
from core.uploads.models import PUBLIC
from core.uploads.receive import chosen, receive_picture
from core.uploads.service import picture_of, pictures, set_uses
from core.web.auth import resolve_viewer
from core.web.drawing import cjk_font, line_height, text_lines
from core.web.forms import Form, read_form, safe_next
from core.web.jsonapi import ApiCall, ApiRouter, Body, JSONResponse
from core.web.pagecache import mark_personal
from core.web.pages import reader_locale, render
from core.web.share import ShareCard, absolute_url, circle_share_card, qr_code, qr_response, share_image
from core.web.site import Site, site_of
from core.web.text import token_shaped

__all__ = [
    "Action",
    "ApiCall",
    "ApiRouter",
    "Audience",
    "Body",
    "Circle",
    "CircleAccess",
    "Conflict",
    "ContentKind",
    "Created",
    "Field",
    "FieldKind",
    "Forbidden",
    "Form",
    "JSONResponse",
    "JobContext",
    "JobKind",
    "JoinPolicy",
    "Message",
    "ModelsApp",
    "NotFound",
    "NoticeSummary",
    "NotificationChannel",
    "NotificationKind",
    "Offer",
    "PUBLIC",
    "Page",
    "PerPost",
    "Picture",
    "PluginManifest",
    "Post",
    "RATINGS",
    "Reach",
    "Scenario",
    "ScenarioContext",
    "Scope",
    "SearchDocument",
    "SearchSource",
    "Setting",
    "ShareCard",
    "SignInKey",
    "SignInMethod",
    "Site",
    "Slot",
    "SlotContent",
    "Thread",
    "ThreadAccess",
    "Unauthorized",
    "Unreachable",
    "User",
    "ValidationError",
    "Visibility",
    "absolute_url",
    "access_by_slug",
    "acting",
    "admit",
    "allowed",
    "announce_act",
    "answer_text",
    "answers_from_form",
    "answers_slots",
    "attached_content",
    "cancel_job",
    "check_answer",
    "check_answers",
    "chosen",
    "circle_access",
    "circle_members",
    "circle_share_card",
    "circle_staff",
    "cjk_font",
    "clean_fields",
    "clean_options",
    "create_circle",
    "create_post",
    "create_thread",
    "csv_response",
    "dismiss",
    "enqueue_job",
    "fetch_row",
    "fetch_rows",
    "get_thread",
    "guest_check",
    "guests_join_by_phone",
    "hookimpl",
    "index_later",
    "is_bot",
    "is_public",
    "join_by_phone",
    "line_height",
    "load_model",
    "load_models",
    "log_in",
    "mail_enabled",
    "mark_personal",
    "notices_among",
    "notify",
    "notify_about",
    "now",
    "offers_of",
    "ordered_answers",
    "paginate",
    "parse_api_time",
    "parse_form_time",
    "parse_limit",
    "phone_offered",
    "picture_of",
    "pictures",
    "placeholders",
    "plain_text_excerpt",
    "qr_code",
    "qr_response",
    "queue_mail",
    "read_form",
    "reader_locale",
    "receive_picture",
    "render",
    "render_body",
    "require_actor",
    "resolve_viewer",
    "safe_cell",
    "safe_next",
    "scope_of",
    "send_notice",
    "set_uses",
    "share_image",
    "sign_up",
    "sign_up_by_phone",
    "site_of",
    "site_timezone",
    "text_code",
    "text_lines",
    "token_shaped",
    "transaction",
    "user_ref",
    "whole_number",
]
