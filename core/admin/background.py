"""The admin area's "Mail and jobs" page: whether mail can be sent (and a test mail), the background jobs waiting,
failing or dead, and a retry for the dead."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core.accounts.names import EMAIL_PATTERN
from core.admin.pages import admin_only, admin_page
from core.errors import Message, ValidationError
from core.jobs.models import Job, JobState
from core.jobs.queue import retry_job
from core.mail.outbox import SEND, queue_mail
from core.web.forms import Form, read_form
from core.web.pages import page_context
from core.web.site import site_of

TROUBLE = 50  # failing and dead jobs listed


async def _page(request: Request, mail_form: Form, status: int = 200) -> Response:
    viewer = await admin_only(request)
    config = site_of(request).config
    counts = {state.value: await Job.filter(state=state).count() for state in JobState}
    trouble = await Job.exclude(last_error="").order_by("-state", "-id").limit(TROUBLE)
    mail = {
        "server": config.smtp.address if config.smtp else "",
        "sender": config.mail_from,
        "base_url": config.base_url,
        "link_base": config.link_base,
        "waiting": await Job.filter(kind=SEND, state=JobState.WAITING).count(),
        "failing": await Job.filter(kind=SEND).exclude(last_error="").count(),
    }
    mail_form.values.setdefault("to", viewer.email)
    context = {"counts": counts, "trouble": trouble, "mail": mail, "mail_form": mail_form}
    return await admin_page(request, "admin/background.html", context, status=status)


async def background(request: Request) -> Response:
    return await _page(request, Form())


async def test_mail(request: Request) -> Response:
    """Queue a test mail to the address given, in the admin's language."""
    form = Form.of(await read_form(request), ("to",))
    await admin_only(request)
    try:
        if not EMAIL_PATTERN.match(form.values["to"]):
            raise ValidationError({"to": Message("Enter a valid e-mail address.")})
        if not await queue_mail(form.values["to"], "test", locale=(await page_context(request))["locale"]):
            raise ValidationError({"to": Message("No mail server is set up: set QUANZI_SMTP_URL and restart.")})
    except ValidationError as error:
        form.errors = error.fields
        return await _page(request, form, status=400)
    return RedirectResponse("/admin/background?done=mailed", status_code=303)


async def retry(request: Request) -> Response:
    await read_form(request)
    await admin_only(request)
    await retry_job(request.path_params["id"])
    return RedirectResponse("/admin/background?done=retried", status_code=303)


routes: list[BaseRoute] = [
    Route("/admin/background", background, methods=["GET"]),
    Route("/admin/background/jobs/{id:int}/retry", retry, methods=["POST"]),
    Route("/admin/background/test-mail", test_mail, methods=["POST"]),
]
