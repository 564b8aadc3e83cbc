"""What one viewer may do with one thread and what a plugin attached to it (a poll, an event): ``ThreadAccess``.

Services, pages, the API and plugins all ask it, so that "a locked thread takes replies only from moderators" and
"a deleted thread is seen only by moderators" are written once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from core.access.circles import JOIN_TO_WRITE, CircleAccess
from core.accounts.models import User
from core.errors import Conflict, Forbidden, Message

if TYPE_CHECKING:
    from core.threads.models import Thread


@dataclass(frozen=True)
class ThreadAccess:
    """A thread with what the viewer may do in it (``access``: what they may do in its circle)."""

    thread: Thread
    access: CircleAccess

    @property
    def viewer(self) -> User | None:
        return self.access.viewer

    @property
    def can_read(self) -> bool:
        """The thread is in a circle the viewer sees, and not deleted (moderators see deleted threads)."""
        return self.access.can_view and (self.thread.deleted_at is None or self.access.can_moderate)

    @property
    def may_read_held(self) -> bool:
        """A deleted thread the viewer would read if it is only hidden until it is reviewed: they wrote it."""
        return self.access.can_view and self.thread.deleted_at is not None and self.is_author

    @property
    def can_moderate(self) -> bool:
        return self.access.can_moderate

    def can_see_post(self, author_id: int, gone: bool, waiting_for_review: bool) -> bool:
        """A post in a circle the viewer sees; one that is ``gone`` (deleted, or in a deleted thread) only for the
        circle's moderators, and for its author while it is hidden ``waiting_for_review``."""
        if not self.access.can_view:
            return False
        if not gone or self.access.can_moderate:
            return True
        return waiting_for_review and self.viewer is not None and self.viewer.id == author_id

    @property
    def is_author(self) -> bool:
        return self.viewer is not None and self.viewer.id == self.thread.author_id

    @property
    def is_open(self) -> bool:
        """Not locked, or locked but the viewer moderates: the thread takes their writing."""
        return not self.thread.locked or self.access.can_moderate

    @property
    def can_reply(self) -> bool:
        """Write in the thread what others read: reply, or vote and answer in what is attached."""
        return self.access.can_post and self.thread.deleted_at is None and self.is_open

    @property
    def can_take_part(self) -> bool:
        """Take part in what is attached without writing for others (register, order, join a group buy): a
        silenced member may, a banned one may not."""
        return self.access.can_act and self.thread.deleted_at is None and self.is_open

    @property
    def can_manage(self) -> bool:
        """Manage the thread and what is attached to it (close a poll, see a survey's answers): its author and the
        circle's moderators."""
        return self.is_author or self.access.can_moderate

    def may_edit(self, author_id: int) -> bool:
        """Change or delete writing by ``author_id`` in this thread: its author or a moderator, while it is open."""
        return self.is_open and self.access.may_edit(author_id)

    def check_reply(self, join_to: Message = JOIN_TO_WRITE) -> None:
        """Refuse, with the reason, when the viewer may not write in the thread (``join_to``: what a non-member is
        told)."""
        self._check(lambda: self.access.check_post(join_to))

    def check_take_part(self, join_to: Message = JOIN_TO_WRITE) -> None:
        """Refuse, with the reason, when the viewer may not take part in what is attached (``can_take_part``)."""
        self._check(lambda: self.access.check_act(join_to))

    def check_edit(self, author_id: int, refusal: Message) -> None:
        """Refuse, with the reason, a change to writing by ``author_id`` (``refusal``: what one who is neither
        its author nor a moderator is told)."""
        self._check_change(author_id, refusal, self.access.may_edit(author_id), self.access.check_post)

    def check_delete(self, author_id: int, refusal: Message) -> None:
        """Refuse, with the reason, deleting writing by ``author_id``."""
        self._check_change(author_id, refusal, self.access.may_delete(author_id), self.access.check_act)

    def _check(self, check_circle: Callable[[], None]) -> None:
        if self.thread.deleted_at is not None:
            raise Conflict(Message("This thread is deleted."), code="deleted")
        check_circle()
        if not self.is_open:
            raise Conflict(Message("This thread is locked."), code="locked")

    def _check_change(self, author_id: int, refusal: Message, may: bool, check_circle: Callable[[], None]) -> None:
        if not may:
            if self.viewer is not None and self.viewer.id == author_id:
                check_circle()  # the author, banned, silenced or gone: say which
            raise Forbidden(refusal)
        if not self.is_open:
            raise Conflict(Message("This thread is locked."), code="locked")
