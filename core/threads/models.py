"""Threads, their posts and the earlier versions of edited posts."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tortoise import fields
from tortoise.models import Model

from core.accounts.models import User
from core.circles.models import Circle


class Thread(Model):
    id = fields.IntField(primary_key=True)
    circle: fields.ForeignKeyRelation[Circle] = fields.ForeignKeyField(
        "core.Circle", related_name="threads", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="threads", on_delete=fields.CASCADE
    )
    title = fields.CharField(max_length=200)
    # What is attached to the thread ("poll", "event", ...: a plugin's ContentKind); "" for a plain thread.
    kind = fields.CharField(max_length=32, default="")
    created_at = fields.DatetimeField(auto_now_add=True)
    last_activity_at = fields.DatetimeField()
    # Counters kept in the transaction that writes the posts: pages never COUNT(*).
    post_count = fields.IntField(default=1)
    pinned = fields.BooleanField(default=False)
    locked = fields.BooleanField(default=False)
    # 精华: marked by a moderator as among the circle's best; the circle's page can list these alone
    featured = fields.BooleanField(default=False, db_default=False)
    deleted_at = fields.DatetimeField(null=True)
    # The opening post; a plain column because Post already points here.
    first_post_id = fields.IntField(null=True)
    # The number the latest post was given (Post.number); a deleted post's number is not given again.
    last_number = fields.IntField(default=1, db_default=1)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        circle_id: int
        author_id: int

    class Meta:
        table = "threads"
        indexes = (("circle_id", "pinned", "last_activity_at", "id"), ("last_activity_at", "id"))


class Post(Model):
    id = fields.IntField(primary_key=True)
    thread: fields.ForeignKeyRelation[Thread] = fields.ForeignKeyField(
        "core.Thread", related_name="posts", on_delete=fields.CASCADE
    )
    author: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name="posts", on_delete=fields.CASCADE
    )
    # Its place in the thread: 1 for the opening post, then 2, 3, ... Page n of a thread holds the numbers
    # 20(n-1)+1 to 20n, so reading any page costs the same however long the thread (no OFFSET, no COUNT).
    number = fields.IntField(default=1, db_default=1)
    body = fields.TextField()
    # Rendered and sanitised once, when written.
    html = fields.TextField()
    created_at = fields.DatetimeField(auto_now_add=True)
    edited_at = fields.DatetimeField(null=True)
    deleted_at = fields.DatetimeField(null=True)
    # Kept in the transaction that adds or takes away a like (PostLike): pages never COUNT(*)
    like_count = fields.IntField(default=0, db_default=0)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        thread_id: int
        author_id: int

    class Meta:
        table = "posts"
        indexes = (("thread_id", "id"), ("author_id", "id"))
        unique_together = (("thread", "number"),)


class PostRevision(Model):
    """A version of a post as it was before an edit replaced it."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "core.Post", related_name="revisions", on_delete=fields.CASCADE
    )
    editor: fields.ForeignKeyNullableRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, null=True, on_delete=fields.SET_NULL
    )
    body = fields.TextField()
    html = fields.TextField()
    written_at = fields.DatetimeField()
    replaced_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        post_id: int
        editor_id: int | None

    class Meta:
        table = "post_revisions"


class PostLike(Model):
    """A member's like of a post: one per member and post."""

    id = fields.IntField(primary_key=True)
    post: fields.ForeignKeyRelation[Post] = fields.ForeignKeyField(
        "core.Post", related_name=False, on_delete=fields.CASCADE
    )
    user: fields.ForeignKeyRelation[User] = fields.ForeignKeyField(
        "core.User", related_name=False, on_delete=fields.CASCADE
    )
    created_at = fields.DatetimeField(auto_now_add=True)
    if TYPE_CHECKING:  # the columns under the relations, set by the ORM
        post_id: int
        user_id: int

    class Meta:
        table = "post_likes"
        unique_together = (("post", "user"),)
        indexes = (("user_id", "post_id"),)
