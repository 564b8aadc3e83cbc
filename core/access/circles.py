"""What one viewer may do in one circle: ``CircleAccess``, read from the viewer's ``Scope``.

Two degrees of taking part, each with the check that refuses it with its reason:

- acting (``can_act``, ``check_act``): anything sent to the circle, an order or an event registration included. A
  member banned from the circle does nothing there (403 ``banned``).
- posting (``can_post``, ``check_post``): writing that others read there (a thread, a reply, an edit, a vote, a
  survey answer). A silenced member acts but does not post (403 ``silenced``).
- chatting (``can_chat``, ``check_chat``): a line in the circle's chat, its members' room: posting, by a member.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from core.access.scope import Scope, banned_error, check_not_silenced, is_public, scope_of
from core.accounts.models import User
from core.circles.models import Circle, JoinPolicy, MemberRole, Membership, MemberStatus
from core.errors import Forbidden, Message
from core.moderation.models import CircleBan

JOIN_TO_WRITE = Message("Join this circle to write in it.")


@dataclass(frozen=True)
class CircleAccess:
    """What one viewer may do in one circle."""

    circle: Circle
    scope: Scope

    @property
    def viewer(self) -> User | None:
        """The acting member (None for a guest or a suspended member)."""
        return self.scope.user

    @property
    def membership(self) -> Membership | None:
        return self.scope.memberships.get(self.circle.id)

    @property
    def is_member(self) -> bool:
        return self.circle.id in self.scope.member_of

    @property
    def is_invited(self) -> bool:
        return self.membership is not None and self.membership.status == MemberStatus.INVITED

    @property
    def is_public(self) -> bool:
        """The circle is public: everyone sees it (``scope.is_public``)."""
        return is_public(self.circle)

    @cached_property  # asked for every post of a page: the scope and the circle do not change within a request
    def can_view(self) -> bool:
        return self.scope.sees_circle(self.circle)

    @property
    def can_see_invitation(self) -> bool:
        """An invited member may see a private circle's name and description, to accept."""
        return self.can_view or self.is_invited

    @property
    def circle_role(self) -> MemberRole | None:
        return self.membership.role if self.is_member and self.membership else None

    @property
    def is_owner(self) -> bool:
        return self.scope.sees_all or self.circle_role == MemberRole.OWNER

    @property
    def is_circle_staff(self) -> bool:
        """The circle's staff: its active owners and moderators (``Scope.staff_of``), and the site's
        administrators. They run what the circle keeps for its people (a shop's orders, a desk's cases), which the
        site's moderators as such do not see (``core.access.audience``)."""
        return self.scope.runs(self.circle.id)

    @cached_property
    def can_moderate(self) -> bool:
        """Moderate what is written in the circle: its staff, and the site's moderators in a circle they see."""
        if not self.can_view:
            return False
        return self.scope.moderates_all or self.is_circle_staff

    @property
    def ban(self) -> CircleBan | None:
        """The viewer's ban from this circle, while it lasts."""
        return self.scope.bans.get(self.circle.id)

    @cached_property
    def can_act(self) -> bool:
        """Members act in the circle; in a public circle open to all, every signed-in member of the site does;
        a member banned from it does not."""
        if self.viewer is None or not self.can_view or self.ban is not None:
            return False
        open_to_all = self.is_public and self.circle.join_policy == JoinPolicy.OPEN
        return self.is_member or open_to_all or self.can_moderate

    @cached_property
    def can_post(self) -> bool:
        """Write what others read in the circle: those who act there, unless silenced."""
        return self.can_act and not self.scope.silenced

    def check_act(self, join_to: Message = JOIN_TO_WRITE) -> None:
        """Refuse, with the reason, what the viewer may not send to the circle (``join_to``: what a non-member is
        told)."""
        if (ban := self.ban) is not None:
            raise banned_error(ban)
        if not self.can_act:
            raise Forbidden(join_to, code="not_a_member")

    @property
    def is_barred(self) -> bool:
        """Banned from the circle or silenced: the viewer writes nothing there, not even where guests may (a public
        survey)."""
        return self.ban is not None or self.scope.silenced

    def check_not_barred(self) -> None:
        """Refuse, with the reason, a banned or silenced viewer."""
        if (ban := self.ban) is not None:
            raise banned_error(ban)
        if self.viewer is not None:
            check_not_silenced(self.viewer)

    @cached_property
    def can_chat(self) -> bool:
        """Write in the circle's chat: its members (and moderators), not banned, not silenced. Unlike a thread in a
        public circle open to all, the chat is its members' room."""
        return self.can_post and (self.is_member or self.can_moderate)

    def check_chat(self) -> None:
        """Refuse, with the reason, a line in the circle's chat that the viewer may not write."""
        self.check_post()
        if not self.can_chat:
            raise Forbidden(Message("Join this circle to talk in its chat."), code="not_a_member")

    def check_post(self, join_to: Message = JOIN_TO_WRITE) -> None:
        """Refuse, with the reason, writing that the viewer may not do in the circle."""
        self.check_not_barred()
        self.check_act(join_to)

    def may_manage(self, membership: Membership) -> bool:
        """Approve, invite, change or remove ``membership``: the circle's moderators a plain member's; only its owners
        (and the site's administrators) a moderator's or an owner's."""
        return self.can_moderate and (membership.role == MemberRole.MEMBER or self.is_owner)

    def may_edit(self, author_id: int) -> bool:
        """Authors edit their own writing while they may write in the circle (not once removed from it, banned or
        silenced); moderators edit everything in their circle."""
        user = self.viewer
        return user is not None and ((user.id == author_id and self.can_post) or self.can_moderate)

    def may_delete(self, author_id: int) -> bool:
        """Authors delete their own writing while they may act in the circle (a silenced member may); moderators
        delete everything in their circle."""
        user = self.viewer
        return user is not None and ((user.id == author_id and self.can_act) or self.can_moderate)


async def circle_access(viewer: User | None, circle: Circle) -> CircleAccess:
    return CircleAccess(circle=circle, scope=await scope_of(viewer))
