"""Pages of threads: starting one, reading and replying, quoting, editing, deleting, moderating."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from core import remembered
from core.access.scope import require_actor
from core.access.threads import ThreadAccess
from core.circles import service as circles
from core.circles.routes import content_kinds
from core.contract.kinds import Slot
from core.errors import Message, NotFound, ValidationError
from core.markdown import plain_text_excerpt
from core.numbers import whole_number
from core.pagination import page_numbers
from core.threads import likes, service
from core.threads.page import PostsHtml, posts_on_page
from core.uploads.receive import picture_markdown
from core.web.auth import resolve_viewer
from core.web.forms import Form, read_form
from core.web.pages import page_context, render, render_per_post, render_slot
from core.web.share import ShareCard, absolute_url, qr_response, share_image
from core.web.site import site_of

MODERATION = {
    "pin": {"pinned": True},
    "unpin": {"pinned": False},
    "lock": {"locked": True},
    "unlock": {"locked": False},
    "feature": {"featured": True},
    "unfeature": {"featured": False},
}


def _max_length(request: Request) -> int:
    return int(site_of(request).config.max_post_length)


def _quote(body: str, username: str) -> str:
    lines = body.strip().splitlines() or [""]
    return f"@{username}:\n" + "\n".join(f"> {line}" for line in lines) + "\n\n"


async def new_thread_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    require_actor(viewer)
    access = await circles.access_by_slug(viewer, request.path_params["slug"])
    return await render(request, "new_thread.html", {"circle": access.circle, "form": form or Form()}, status=status)


async def create_thread(request: Request) -> Response:
    data = await read_form(request, files=("picture",))
    form = Form.of(data, ("title", "body"))
    viewer = await resolve_viewer(request)
    try:
        form.values["body"] = await picture_markdown(request, viewer, data, form.values["body"])
        thread = await service.create_thread(
            viewer,
            request.path_params["slug"],
            form.values["title"],
            form.values["body"],
            max_length=_max_length(request),
        )
    except ValidationError as error:
        form.errors = error.fields
        return await new_thread_page(request, form, status=400)
    if thread.deleted_at is not None:  # a watched word holds it for review
        return await render(request, "moderation/held.html", {"back": f"/c/{request.path_params['slug']}"})
    return RedirectResponse(f"/t/{thread.id}", status_code=303)


async def thread_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = await resolve_viewer(request)
    try:
        page = int(request.query_params.get("page", "1"))
    except ValueError:
        page = 1
    view, posts, pages = await service.posts_page(viewer, request.path_params["id"], page)
    thread, access = view.thread, view.access
    can_reply = view.can_reply
    if form is None:
        form = Form()
        quoted = whole_number(request.query_params.get("quote", ""))
        if can_reply and quoted is not None:
            try:
                post, _ = await service.get_post(viewer, quoted)  # a quote is a read: the viewer must see it
                if post.thread_id == thread.id:
                    form.values["body"] = _quote(post.body, post.author.username)
            except NotFound:
                pass
    page = min(max(page, 1), pages)
    context: dict[str, Any] = {
        "thread": thread,
        "access": access,
        "posts": posts,
        "page": page,
        "pages": pages,
        "pager": page_numbers(page, pages),
        "can_reply": can_reply,
        "form": form,
        "kinds": content_kinds(request),
        # the posts this viewer may edit or delete
        "changeable": {post.id for post in posts if view.may_edit(post.author_id)},
        "may_like": access.can_act and thread.deleted_at is None,
        "liked": await likes.liked_among(viewer, [post.id for post in posts]) if access.can_act else set(),
    }
    if access.is_public:  # what a chat app shows for its link; never a private one's
        opening = posts[0].html if posts and posts[0].number == 1 else ""
        card = (thread.id, opening, site_of(request).base_url(request))  # the rest: read with the thread
        context["share_card"] = await remembered.recall(
            "thread share card", card, lambda: _share_card(request, view, opening)
        )
    known = await page_context(request)
    everything = {**known, **context, "request": request}
    for name, slot in (("post_footers", Slot.POST_FOOTER), ("post_authors", Slot.POST_AUTHOR)):
        everything[name] = context[name] = await render_per_post(request, slot, everything)
    after_first = await render_slot(request, Slot.AFTER_FIRST_POST, everything) if page == 1 else Markup("")
    on = posts_on_page(everything, viewer.id if viewer else None, after_first)
    context["kept_posts"] = PostsHtml(request, everything, on)
    # what thread.html shows besides the posts and the frame: the page is kept whole under it (core/web/pages.py),
    # unless a reply sent back with its errors is on it (the kinds' marks are the process's own, alike for all)
    shown = (
        on,
        (thread.title, thread.pinned, thread.locked, thread.featured, thread.kind, thread.post_count),
        (thread.circle.slug, thread.circle.name, thread.deleted_at is not None),
        (access.can_moderate, access.can_post, pages),
        context.get("share_card"),
    )
    keep = None if form.values or form.errors else shown
    return await render(
        request, "thread.html", context, status=status, slots=(Slot.THREAD_HEADER,), known=known, keep=keep
    )


async def _share_card(request: Request, view: ThreadAccess, opening: str) -> ShareCard:
    """What a chat app shows for a public thread's link (``opening``: its first post's HTML, on its first page)."""
    thread = view.thread
    return ShareCard(
        thread.title,
        absolute_url(request, f"/t/{thread.id}"),
        plain_text_excerpt(opening, 120),
        qr=f"/t/{thread.id}/qr.svg",
        image=await share_image(request, thread.circle.cover, title=thread.title, tint=thread.circle.tint),
    )


async def thread(request: Request) -> Response:
    return await thread_page(request)


async def qr_code(request: Request) -> Response:
    """The thread's address as a QR code (SVG to print, PNG for a phone's photo album), for those who may see it."""
    view = await service.get_thread(await resolve_viewer(request), request.path_params["id"])
    url = absolute_url(request, f"/t/{view.thread.id}")
    return qr_response(url, request.url.path.rpartition(".")[2], public=view.access.is_public)


async def reply(request: Request) -> Response:
    data = await read_form(request, files=("picture",))
    form = Form.of(data, ("body",))
    viewer = await resolve_viewer(request)
    try:
        form.values["body"] = await picture_markdown(request, viewer, data, form.values["body"])
        post = await service.create_post(
            viewer,
            request.path_params["id"],
            form.values["body"],
            max_length=_max_length(request),
        )
    except ValidationError as error:
        form.errors = error.fields
        return await thread_page(request, form, status=400)
    if post.deleted_at is not None:  # a watched word holds it for review
        return await render(request, "moderation/held.html", {"back": f"/t/{post.thread_id}"})
    return RedirectResponse(f"/t/{post.thread_id}?page={service.page_of_post(post)}#p{post.id}", status_code=303)


async def moderate(request: Request) -> Response:
    data = await read_form(request)
    changes = MODERATION.get(str(data.get("action", "")))
    if changes is None:
        raise ValidationError({"action": Message("Unknown or read-only field.")})
    await service.update_thread(await resolve_viewer(request), request.path_params["id"], dict(changes))
    return RedirectResponse(f"/t/{request.path_params['id']}", status_code=303)


async def _edit_page(request: Request, form: Form | None = None, status: int = 200) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    post, view = await service.get_post(viewer, request.path_params["id"])
    if not view.access.may_edit(post.author_id):
        raise NotFound()
    is_first = view.thread.first_post_id == post.id
    may_retitle = view.can_manage
    form = form or Form({"body": post.body, "title": view.thread.title})
    context = {"post": post, "thread": view.thread, "form": form, "is_first": is_first, "may_retitle": may_retitle}
    return await render(request, "post_edit.html", context, status=status)


async def edit_page(request: Request) -> Response:
    return await _edit_page(request)


async def edit_submit(request: Request) -> Response:
    data = await read_form(request, files=("picture",))
    form = Form.of(data, ("body", "title"))
    viewer = await resolve_viewer(request)
    try:
        form.values["body"] = await picture_markdown(request, viewer, data, form.values["body"])
        post = await service.edit_post(
            viewer, request.path_params["id"], form.values["body"], max_length=_max_length(request)
        )
        thread = await service.get_thread(viewer, post.thread_id)
        if "title" in data and thread.thread.first_post_id == post.id and form.values["title"] != thread.thread.title:
            await service.update_thread(viewer, thread.thread.id, {"title": form.values["title"]})
    except ValidationError as error:
        form.errors = error.fields
        return await _edit_page(request, form, status=400)
    return RedirectResponse(f"/t/{post.thread_id}?page={service.page_of_post(post)}#p{post.id}", status_code=303)


async def delete_page(request: Request) -> Response:
    viewer = require_actor(await resolve_viewer(request))
    post, view = await service.get_post(viewer, request.path_params["id"])
    if not view.access.may_edit(post.author_id):
        raise NotFound()
    first = view.thread.first_post_id == post.id
    context = {
        "heading": Message("Delete this discussion?") if first else Message("Delete this post?"),
        "question": Message("The opening post holds the discussion: deleting it deletes the whole discussion.")
        if first
        else Message("The post will no longer be shown."),
        "confirm": Message("Delete"),
        "action": f"/p/{post.id}/delete",
        "back": f"/t/{view.thread.id}#p{post.id}",
    }
    return await render(request, "confirm.html", context)


async def delete_submit(request: Request) -> Response:
    await read_form(request)
    viewer = await resolve_viewer(request)
    post, view = await service.get_post(viewer, request.path_params["id"])
    await service.delete_post(viewer, post.id)
    if view.thread.first_post_id == post.id:
        return RedirectResponse(f"/c/{view.thread.circle.slug}", status_code=303)
    return RedirectResponse(f"/t/{view.thread.id}", status_code=303)


async def like(request: Request) -> Response:
    """Like a post, or take the like back (``action``), then back to the post."""
    data = await read_form(request)
    viewer = await resolve_viewer(request)
    if data.get("action") == "unlike":
        await likes.unlike(viewer, request.path_params["id"])
    else:
        await likes.like(viewer, request.path_params["id"])
    post, view = await service.get_post(viewer, request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}?page={service.page_of_post(post)}#p{post.id}", status_code=303)


async def liked_by(request: Request) -> Response:
    """Who liked a post (whoever may see the post)."""
    viewer = await resolve_viewer(request)
    post, view = await service.get_post(viewer, request.path_params["id"])
    page = await likes.liked_by(viewer, post.id, request.query_params.get("after"), 100)
    context = {"post": post, "thread": view.thread, "likes": page.items, "next": page.next}
    return await render(request, "post_likes.html", context)


async def post_link(request: Request) -> Response:
    """A post's own address: the page of its thread where it is."""
    post, view = await service.get_post(await resolve_viewer(request), request.path_params["id"])
    return RedirectResponse(f"/t/{view.thread.id}?page={service.page_of_post(post)}#p{post.id}", status_code=302)


routes: list[BaseRoute] = [
    Route("/p/{id:int}", post_link, methods=["GET"]),
    Route("/c/{slug}/new", new_thread_page, methods=["GET"]),
    Route("/c/{slug}/new", create_thread, methods=["POST"]),
    Route("/t/{id:int}", thread, methods=["GET"]),
    Route("/t/{id:int}/qr.svg", qr_code, methods=["GET"]),
    Route("/t/{id:int}/qr.png", qr_code, methods=["GET"]),
    Route("/t/{id:int}/reply", reply, methods=["POST"]),
    Route("/t/{id:int}/moderate", moderate, methods=["POST"]),
    Route("/p/{id:int}/edit", edit_page, methods=["GET"]),
    Route("/p/{id:int}/edit", edit_submit, methods=["POST"]),
    Route("/p/{id:int}/delete", delete_page, methods=["GET"]),
    Route("/p/{id:int}/delete", delete_submit, methods=["POST"]),
    Route("/p/{id:int}/like", like, methods=["POST"]),
    Route("/p/{id:int}/likes", liked_by, methods=["GET"]),
]
