"""JSON API of threads and posts."""

from __future__ import annotations

from typing import Any

from core.accounts.serialize import user_ref
from core.pagination import Page, parse_limit
from core.threads import likes, service
from core.threads.rows import ThreadItem
from core.threads.serialize import post_json, revision_json, thread_json
from core.web.jsonapi import ApiCall, ApiRouter, Body

router = ApiRouter("threads")


class NewThread(Body):
    title: str
    body: str


class ThreadChanges(Body):
    title: str | None = None
    pinned: bool | None = None
    locked: bool | None = None
    featured: bool | None = None


class PostBody(Body):
    body: str


async def _thread_page(page: Page[ThreadItem]) -> dict[str, Any]:
    firsts = await service.first_posts(page.items)
    items = [thread_json(thread, firsts.get(thread.first_post_id or 0)) for thread in page.items]
    return {"items": items, "next": page.next}


async def _thread(call: ApiCall[Any], thread_id: int) -> dict[str, Any]:
    view = await service.get_thread(call.viewer, thread_id)
    firsts = await service.first_posts([view.thread])
    data = thread_json(view.thread, firsts.get(view.thread.first_post_id or 0))
    data["can_reply"] = view.can_reply
    data["can_moderate"] = view.access.can_moderate
    return data


@router.route("GET", "/threads", "Latest threads of every circle the viewer may see", query=("limit", "cursor"))
async def latest(call: ApiCall[None]) -> dict[str, Any]:
    return await _thread_page(
        await service.latest_threads(call.viewer, call.query("cursor"), parse_limit(call.query("limit")))
    )


@router.route(
    "GET",
    "/circles/{slug}/threads",
    "A circle's threads, pinned first, then by activity (featured=1: its featured threads alone)",
    query=("limit", "cursor", "featured"),
)
async def list_threads(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.list_threads(
        call.viewer,
        call.params["slug"],
        call.query("cursor"),
        parse_limit(call.query("limit")),
        featured=call.query("featured") in ("1", "true"),
    )
    return await _thread_page(page)


@router.route("POST", "/circles/{slug}/threads", "Start a thread", body=NewThread, status=201, auth=True)
async def create_thread(call: ApiCall[NewThread]) -> dict[str, Any]:
    thread = await service.create_thread(
        call.viewer, call.params["slug"], call.body.title, call.body.body, max_length=call.site.config.max_post_length
    )
    if thread.deleted_at is not None:  # a watched word holds it for review
        return {"id": thread.id, "title": thread.title, "held": True}
    return await _thread(call, thread.id)


@router.route("GET", "/threads/{id:int}", "A thread")
async def get_thread(call: ApiCall[None]) -> dict[str, Any]:
    return await _thread(call, call.params["id"])


@router.route(
    "PATCH",
    "/threads/{id:int}",
    "Retitle (author), pin, lock or feature (moderators)",
    body=ThreadChanges,
    auth=True,
)
async def patch_thread(call: ApiCall[ThreadChanges]) -> dict[str, Any]:
    changes = {name: value for name, value in call.body.sent().items() if value is not None}
    await service.update_thread(call.viewer, call.params["id"], changes)
    return await _thread(call, call.params["id"])


@router.route("DELETE", "/threads/{id:int}", "Delete a thread (author, moderators)", auth=True, status=204)
async def delete_thread(call: ApiCall[None]) -> None:
    await service.delete_thread(call.viewer, call.params["id"])


@router.route("GET", "/threads/{id:int}/posts", "A thread's posts, oldest first", query=("limit", "cursor"))
async def list_posts(call: ApiCall[None]) -> dict[str, Any]:
    page = await service.list_posts(
        call.viewer, call.params["id"], call.query("cursor"), parse_limit(call.query("limit"))
    )
    return {
        "items": [{**post_json(post), "waiting_for_review": post.deleted_at is not None} for post in page.items],
        "next": page.next,
    }


@router.route("POST", "/threads/{id:int}/posts", "Reply", body=PostBody, status=201, auth=True)
async def create_post(call: ApiCall[PostBody]) -> dict[str, Any]:
    post = await service.create_post(
        call.viewer, call.params["id"], call.body.body, max_length=call.site.config.max_post_length
    )
    return {**post_json(post), "held": post.deleted_at is not None}


@router.route("GET", "/posts/{id:int}", "A post")
async def get_post(call: ApiCall[None]) -> dict[str, Any]:
    post, view = await service.get_post(call.viewer, call.params["id"])
    gone = post.deleted_at is not None or view.thread.deleted_at is not None
    return {**post_json(post), "waiting_for_review": gone and await service.waiting_for_review(post)}


@router.route(
    "PATCH", "/posts/{id:int}", "Edit a post (author, moderators); the old version is kept", body=PostBody, auth=True
)
async def patch_post(call: ApiCall[PostBody]) -> dict[str, Any]:
    post = await service.edit_post(
        call.viewer, call.params["id"], call.body.body, max_length=call.site.config.max_post_length
    )
    return post_json(post)


@router.route("DELETE", "/posts/{id:int}", "Delete a post (author, moderators)", auth=True, status=204)
async def delete_post(call: ApiCall[None]) -> None:
    await service.delete_post(call.viewer, call.params["id"])


@router.route("GET", "/posts/{id:int}/revisions", "Earlier versions of an edited post, newest first")
async def list_revisions(call: ApiCall[None]) -> dict[str, Any]:
    return {"items": [revision_json(r) for r in await service.revisions(call.viewer, call.params["id"])], "next": None}


@router.route("PUT", "/posts/{id:int}/like", "Like a post (not one's own; once)", auth=True)
async def like(call: ApiCall[None]) -> dict[str, Any]:
    return {"liked": True, "likes": await likes.like(call.viewer, call.params["id"])}


@router.route("DELETE", "/posts/{id:int}/like", "Take one's like of a post back", auth=True)
async def unlike(call: ApiCall[None]) -> dict[str, Any]:
    return {"liked": False, "likes": await likes.unlike(call.viewer, call.params["id"])}


@router.route("GET", "/posts/{id:int}/likes", "Who liked a post, latest first", query=("limit", "cursor"))
async def liked_by(call: ApiCall[None]) -> dict[str, Any]:
    page = await likes.liked_by(call.viewer, call.params["id"], call.query("cursor"), parse_limit(call.query("limit")))
    return {
        "items": [{**user_ref(like.user), "liked_at": like.created_at.isoformat()} for like in page.items],
        "next": page.next,
    }
