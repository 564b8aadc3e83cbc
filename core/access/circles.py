"""What one viewer may do in one circle: ``CircleAccess``, read from the viewer's ``Scope``."""

from __future__ import annotations

from dataclasses import dataclass

from core.access.scope import Scope, scope_of
from core.accounts.models import User
from core.circles.models import Circle, JoinPolicy, MemberRole, Membership, MemberStatus, Visibility


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
    def is_admin(self) -> bool:
        return self.scope.sees_all

    @property
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
        return self.is_admin or self.circle_role == MemberRole.OWNER

    @property
    def can_moderate(self) -> bool:
        """Owners and moderators of the circle, and the site's moderators, in a circle they see."""
        if not self.can_view:
            return False
        return self.scope.moderates_all or self.circle.id in self.scope.staff_of

    @property
    def can_post(self) -> bool:
        """Members post; in a public circle open to all, every signed-in member of the site does."""
        if self.viewer is None or not self.can_view:
            return False
        open_to_all = self.circle.visibility == Visibility.PUBLIC and self.circle.join_policy == JoinPolicy.OPEN
        return self.is_member or open_to_all or self.can_moderate

    def may_edit(self, author_id: int) -> bool:
        """Authors edit their own writing while they may write in the circle (not once removed from it);
        moderators edit everything in their circle."""
        user = self.viewer
        return user is not None and ((user.id == author_id and self.can_post) or self.can_moderate)


async def circle_access(viewer: User | None, circle: Circle) -> CircleAccess:
    return CircleAccess(circle=circle, scope=await scope_of(viewer))
