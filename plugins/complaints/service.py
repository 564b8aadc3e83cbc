"""The complaints desk: the only code that writes cases. A case is seen by its filer and the desk's staff (the
circle's owners and moderators) alone; a guest filer reads it through the secret token of the tracking link.

Every way a case goes out to its filer — the tracking page and its JSON, the filer's API answers, mail — is made
from ``public_entries``, which leaves the internal notes out.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, tzinfo
from typing import Any

from tortoise.exceptions import IntegrityError

from core.plugins import (
    Audience,
    Circle,
    CircleAccess,
    Conflict,
    Field,
    Forbidden,
    Message,
    NotFound,
    User,
    ValidationError,
    access_by_slug,
    announce_act,
    cancel_job,
    check_answer,
    check_answers,
    circle_staff,
    clean_fields,
    enqueue_job,
    fetch_row,
    notify_about,
    now,
    ordered_answers,
    queue_mail,
    token_shaped,
    transaction,
)
from plugins.complaints.models import CannedReply, Complaint, Desk, Entry, EntryKind, Status
from plugins.complaints.workflow import MOVES, NAMES, OPEN, may_move, working_days_after

CASE = Audience("complaints.complaint", "complaints_cases", user=("filer_id",), circle_staff=("circle_id",))
FILE = "complaints:file"  # the rate limits' name for filing
FILED, ANSWERED, DUE_SOON = "complaints.filed", "complaints.answered", "complaints.due_soon"  # notification kinds
WARN = "complaints.warn"  # the job that tells the staff a promise is about to be broken
MAIL_FILED, MAIL_UPDATE, MAIL_LINK = "complaints_filed", "complaints_update", "complaints_link"
NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out on the phone
NUMBER_LENGTH = 8
GOOD_RATING = 4  # a rating from which a resolved case counts as well resolved (member_acted)
SUBJECT_MAX, BODY_MAX, NAME_MAX, CATEGORY_MAX = 200, 10_000, 100, 100
DAYS_MAX = 365
CATEGORIES_MAX, QUESTIONS_MAX, OPTIONS_MAX, CANNED_MAX = 30, 20, 20, 50
ANONYMOUS = "—"


def new_number() -> str:
    return "".join(secrets.choice(NUMBER_ALPHABET) for _ in range(NUMBER_LENGTH))


def clean_number(typed: str) -> str:
    """A case number as typed or read out: spaces and dashes dropped, in capitals; "" for what cannot be one."""
    number = "".join(typed.split()).replace("-", "").upper()
    return number if len(number) == NUMBER_LENGTH and all(char in NUMBER_ALPHABET for char in number) else ""


def tracking_path(complaint: Complaint) -> str:
    return f"/complaints/track/{complaint.token}"


# The desk --------------------------------------------------------------------------------------------------------


async def shown_in(circle: Circle) -> bool:
    """Whether the circle shows its complaints desk in its sidebar (yes, until its staff switch it off)."""
    return (
        await fetch_row("SELECT 1 FROM complaints_desks WHERE circle_id = ? AND NOT shown", circle.id) is None
    )  # every page


async def desk_of(circle: Circle) -> Desk:
    """The circle's desk, made with the default promises the first time it is asked for."""
    desk, _ = await Desk.get_or_create(circle_id=circle.id)
    return desk


async def staff_access(viewer: User | None, slug: str) -> tuple[CircleAccess, Desk]:
    """The circle and its desk, for its staff only (everyone else: 404, as if there were no desk)."""
    access = await access_by_slug(viewer, slug)
    if not access.is_circle_staff:
        raise NotFound(Message("No such complaints desk."))
    return access, await desk_of(access.circle)


@dataclass(frozen=True)
class DeskSettings:
    intro: str
    accept_days: int
    resolve_days: int
    categories: Sequence[str]
    questions: Sequence[Field] = ()
    shown: bool = True  # in the circle's sidebar


async def update_desk(viewer: User | None, slug: str, settings: DeskSettings) -> Desk:
    _, desk = await staff_access(viewer, slug)
    for name, days in (("accept_days", settings.accept_days), ("resolve_days", settings.resolve_days)):
        if not 1 <= days <= DAYS_MAX:
            raise ValidationError({name: Message("Give 1 to %(n)s working days.", n=DAYS_MAX)})
    if settings.resolve_days < settings.accept_days:
        raise ValidationError({"resolve_days": Message("Resolving cannot be promised sooner than accepting.")})
    categories = [category.strip() for category in settings.categories if category.strip()]
    if len(categories) > CATEGORIES_MAX or any(len(category) > CATEGORY_MAX for category in categories):
        raise ValidationError(
            {"categories": Message("At most %(n)s categories of at most 100 characters.", n=CATEGORIES_MAX)}
        )
    if len({category.casefold() for category in categories}) != len(categories):
        raise ValidationError({"categories": Message("Each category may appear only once.")})
    if len(settings.intro) > BODY_MAX:
        raise ValidationError({"intro": Message("At most %(n)s characters.", n=BODY_MAX)})
    questions = (
        clean_fields(settings.questions, max_fields=QUESTIONS_MAX, max_options=OPTIONS_MAX)
        if settings.questions
        else []
    )
    await Desk.filter(id=desk.id).update(
        intro=settings.intro.strip(),
        accept_days=settings.accept_days,
        resolve_days=settings.resolve_days,
        categories=categories,
        questions=[question.as_json() for question in questions],
        shown=settings.shown,
    )
    return await Desk.get(id=desk.id)


async def public_desk(viewer: User | None, slug: str) -> tuple[CircleAccess, Desk]:
    """The desk of a circle the viewer sees (guests: a public circle's), to file a case with."""
    access = await access_by_slug(viewer, slug)
    return access, await desk_of(access.circle)


# Filing ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Intake:
    subject: str
    body: str
    contact_name: str = ""
    contact_email: str = ""
    category: str = ""
    answers: Sequence[Any] = ()
    locale: str = ""


def _text(value: str, name: str, limit: int, label: Message) -> str:
    cleaned = value.strip()
    if not cleaned:
        raise ValidationError({name: Message("Please fill this in.")})
    if len(cleaned) > limit:
        raise ValidationError({name: label})
    return cleaned


def _contact(viewer: User | None, intake: Intake) -> tuple[str, str]:
    """A member's contact comes from the account; a guest gives a name and an e-mail address."""
    if viewer is not None:
        return viewer.display_name or viewer.username, viewer.email
    name = _text(intake.contact_name, "contact_name", NAME_MAX, Message("At most %(n)s characters.", n=NAME_MAX))
    try:
        email = check_answer(Field("email", "e-mail", required=True), intake.contact_email)
    except ValueError as error:
        raise ValidationError({"contact_email": error.args[0]}) from None
    return name, str(email)


async def file_complaint(viewer: User | None, slug: str, intake: Intake, zone: tzinfo) -> Complaint:
    """File a case with the circle's desk: everything is checked before anything is written. The staff are told,
    and the filer is mailed the tracking link."""
    access, desk = await public_desk(viewer, slug)
    if viewer is None and not access.is_public:
        raise NotFound(Message("No such complaints desk."))
    subject = _text(intake.subject, "subject", SUBJECT_MAX, Message("At most %(n)s characters.", n=SUBJECT_MAX))
    body = _text(intake.body, "body", BODY_MAX, Message("At most %(n)s characters.", n=BODY_MAX))
    name, email = _contact(viewer, intake)
    category = intake.category.strip()
    if category and category not in desk.categories:
        raise ValidationError({"category": Message("Choose one of the desk's categories.")})
    if desk.categories and not category:
        raise ValidationError({"category": Message("Choose a category.")})
    questions = [Field.of(question) for question in desk.questions]
    answers = check_answers(questions, ordered_answers(questions, intake.answers))
    created = now()
    values: dict[str, Any] = dict(
        desk=desk,
        circle_id=desk.circle_id,
        filer=viewer,
        contact_name=name,
        contact_email=email,
        locale=intake.locale,
        subject=subject,
        body=body,
        category=category,
        answers=answers,
        questions=desk.questions,
        created_at=created,
        accept_due_at=working_days_after(created, desk.accept_days, zone),
        resolve_due_at=working_days_after(created, desk.resolve_days, zone),
    )
    for _ in range(5):
        try:
            async with transaction():
                complaint = await Complaint.create(number=new_number(), token=secrets.token_urlsafe(32), **values)
                await Entry.create(
                    complaint=complaint, kind=EntryKind.FILED, author=viewer, status=Status.NEW, at=created
                )
                await _schedule_warnings(complaint)
                await notify_about(
                    FILED,
                    await circle_staff(access.circle),
                    viewer,
                    CASE,
                    complaint,
                    subject,
                    f"/complaints/{complaint.number}",
                )
                await _mail_filer(complaint, MAIL_FILED)
            return complaint
        except IntegrityError:
            continue  # a number (or token) drawn twice: draw again
    raise Conflict(Message("Please try again."), code="busy")


async def _mail_filer(complaint: Complaint, template: str, **context: Any) -> None:
    """Mail the filer (in their language): what changed and the tracking link, never an internal note."""
    values = {
        "number": complaint.number,
        "subject": complaint.subject,
        "tracking": tracking_path(complaint),
        "status_name": NAMES[complaint.status].msgid,
        **context,
    }
    if complaint.anonymised:
        return
    if complaint.filer_id is not None:
        await queue_mail(await User.get(id=complaint.filer_id), template, values)
    else:
        await queue_mail(complaint.contact_email, template, values, locale=complaint.locale)


# Reading ---------------------------------------------------------------------------------------------------------


@dataclass
class CaseView:
    complaint: Complaint
    entries: list[Entry]  # the timeline as the viewer may see it
    staff: bool  # the viewer is the desk's staff
    circle: Circle
    canned: list[CannedReply] = field(default_factory=list)
    assignable: list[User] = field(default_factory=list)

    @property
    def moves(self) -> tuple[Status, ...]:
        return MOVES[self.complaint.status] if self.staff else ()

    @property
    def open_for_replies(self) -> bool:
        return self.complaint.status != Status.CLOSED

    @property
    def may_rate(self) -> bool:
        return self.complaint.status in (Status.RESOLVED, Status.CLOSED) and self.complaint.rating is None

    @property
    def overdue(self) -> bool:
        return overdue(self.complaint)

    @property
    def assignee(self) -> User | None:
        return next((user for user in self.assignable if user.id == self.complaint.assignee_id), None)


def overdue(complaint: Complaint) -> bool:
    """A promise broken: not accepted by its day, or not resolved by its day."""
    moment = now()
    late_accept = complaint.status == Status.NEW and moment > complaint.accept_due_at
    return late_accept or (complaint.status in OPEN and moment > complaint.resolve_due_at)


def public_entries(entries: Sequence[Entry]) -> list[Entry]:
    """What the filer sees of a timeline: everything but the internal notes (and who was assigned)."""
    return [entry for entry in entries if not entry.internal]


async def _timeline(complaint: Complaint, staff: bool) -> list[Entry]:
    entries = await Entry.filter(complaint_id=complaint.id).select_related("author").order_by("at", "id")
    return list(entries) if staff else public_entries(entries)


async def _case(complaint: Complaint, staff: bool) -> CaseView:
    circle = await Circle.get(id=complaint.circle_id)
    view = CaseView(complaint, await _timeline(complaint, staff), staff, circle)
    if staff:
        view.canned = list(await CannedReply.filter(desk_id=complaint.desk_id).order_by("title"))
        view.assignable = await circle_staff(circle)
    return view


async def get_case(viewer: User | None, number: str) -> CaseView:
    """The case of ``number`` as its audience (``CASE``) sees it: its circle's staff with everything, the member who
    filed it without the internal notes; NotFound for everyone else (the circle's members and the site's moderators
    too)."""
    complaint, scope = await CASE.get(viewer, Complaint, Message("No such complaint."), number=clean_number(number))
    return await _case(complaint, CASE.as_staff(scope, complaint))


async def by_token(token: str) -> CaseView:
    """The case of a tracking link, as its filer sees it."""
    complaint = await Complaint.get_or_none(token=token) if token_shaped(token) else None
    if complaint is None:
        raise NotFound(Message("No such complaint."))
    return await _case(complaint, staff=False)


async def _staff_case(viewer: User | None, number: str) -> CaseView:
    view = await get_case(viewer, number)
    if not view.staff:
        raise Forbidden(Message("Only the desk's staff do this."))
    return view


# Work ------------------------------------------------------------------------------------------------------------


async def move(viewer: User | None, number: str, target: str) -> CaseView:
    """Move the case to ``target`` when the table of moves allows it; the filer is told."""
    view = await _staff_case(viewer, number)
    complaint = view.complaint
    if target not in set(Status):
        raise ValidationError({"status": Message("One of: ") + ", ".join(Status) + "."})
    status = Status(target)
    if not may_move(complaint.status, status):
        raise Conflict(
            Message(
                "A case that is %(current)s cannot become %(target)s.",
                current=complaint.status.value,
                target=status.value,
            ),
            code="not_allowed",
        )
    at = now()
    stamps: dict[str, Any] = {}
    if status == Status.ACCEPTED and complaint.accepted_at is None:
        stamps["accepted_at"] = at
    if status == Status.RESOLVED:
        stamps["resolved_at"] = at
    async with transaction():
        if not await Complaint.filter(id=complaint.id, status=complaint.status).update(status=status, **stamps):
            raise Conflict(Message("The case changed meanwhile; look again."), code="changed")
        await Entry.create(complaint=complaint, kind=EntryKind.STATUS, author=viewer, status=status, at=at)
        complaint = await Complaint.get(id=complaint.id)
        await _tell_filer(complaint, viewer)
        if status not in OPEN:
            await _cancel_warnings(complaint)
    return await _case(complaint, staff=True)


async def assign(viewer: User | None, number: str, username: str | None) -> CaseView:
    """Give the case to one of the desk's staff (None: to nobody); an internal line of the timeline."""
    view = await _staff_case(viewer, number)
    assignee = None
    if username:
        assignee = next((user for user in view.assignable if user.username == username), None)
        if assignee is None:
            raise ValidationError({"assignee": Message("Choose one of the circle's owners and moderators.")})
    async with transaction():
        await Complaint.filter(id=view.complaint.id).update(assignee_id=assignee.id if assignee else None)
        await Entry.create(
            complaint=view.complaint,
            kind=EntryKind.ASSIGNED,
            internal=True,
            author=viewer,
            body=assignee.username if assignee else "",
            at=now(),
        )
    return await get_case(viewer, number)


async def reply(viewer: User | None, number: str, body: str, *, internal: bool) -> CaseView:
    """The staff answer the filer (mailed to them) or write an internal note (for the staff alone)."""
    view = await _staff_case(viewer, number)
    text = _text(body, "body", BODY_MAX, Message("At most %(n)s characters.", n=BODY_MAX))
    if not view.open_for_replies:
        raise Conflict(Message("This case is closed."), code="closed")
    async with transaction():
        await Entry.create(
            complaint=view.complaint,
            kind=EntryKind.NOTE if internal else EntryKind.REPLY,
            internal=internal,
            author=viewer,
            body=text,
            at=now(),
        )
        if not internal:
            await _tell_filer(view.complaint, viewer, reply=text)
    return await get_case(viewer, number)


async def _tell_filer(complaint: Complaint, by: User | None, reply: str = "") -> None:
    """The filer hears of a public reply (``reply``) or a status change: by mail, and in the site when they are a
    member."""
    await _mail_filer(complaint, MAIL_UPDATE, reply=reply)
    if complaint.filer_id is not None:
        filer = await User.get(id=complaint.filer_id)
        await notify_about(ANSWERED, [filer], by, CASE, complaint, complaint.subject, f"/complaints/{complaint.number}")


async def filer_reply(view: CaseView, body: str) -> CaseView:
    """The filer adds to their case (from the tracking page, or signed in); the staff are told."""
    text = _text(body, "body", BODY_MAX, Message("At most %(n)s characters.", n=BODY_MAX))
    if not view.open_for_replies:
        raise Conflict(Message("This case is closed."), code="closed")
    complaint = view.complaint
    author = await User.get(id=complaint.filer_id) if complaint.filer_id is not None else None
    async with transaction():
        await Entry.create(complaint=complaint, kind=EntryKind.FILER, author=author, body=text, at=now())
        staff = await circle_staff(view.circle)
        if complaint.assignee_id is not None:
            staff = [user for user in staff if user.id == complaint.assignee_id] or staff
        await notify_about(FILED, staff, author, CASE, complaint, complaint.subject, f"/complaints/{complaint.number}")
    return await _case(complaint, staff=False)


async def rate(view: CaseView, rating: int, comment: str) -> CaseView:
    """Once resolved, the filer rates the handling (1 to 5, and a comment), once."""
    if not view.may_rate:
        if view.complaint.rating is not None:
            raise Conflict(Message("This case has been rated already."), code="rated")
        raise Conflict(Message("A case is rated once it is resolved."), code="not_resolved")
    if isinstance(rating, bool) or rating not in range(1, 6):
        raise ValidationError({"rating": Message("Give a rating from 1 to 5.")})
    if len(comment) > BODY_MAX:
        raise ValidationError({"comment": Message("At most %(n)s characters.", n=BODY_MAX)})
    complaint = view.complaint
    async with transaction():
        if not await Complaint.filter(id=complaint.id, rating__isnull=True).update(
            rating=rating, rating_comment=comment.strip()
        ):
            raise Conflict(Message("This case has been rated already."), code="rated")
        await Entry.create(complaint=complaint, kind=EntryKind.RATED, body=str(rating), at=now())
    if rating >= GOOD_RATING and complaint.filer_id is not None:  # a member's case well resolved: others may count it
        await announce_act(
            complaint.circle_id, await User.get(id=complaint.filer_id), "complaint.good_rating", complaint.id
        )
    return await _case(await Complaint.get(id=complaint.id), staff=False)


async def anonymise(viewer: User | None, number: str) -> CaseView:
    """A personal-data request: the filer's contact is replaced and the case no longer linked to them; the text
    and the timeline stay for the desk's records. The tracking link stops working."""
    view = await _staff_case(viewer, number)
    async with transaction():
        await Complaint.filter(id=view.complaint.id).update(
            contact_name=ANONYMOUS,
            contact_email=ANONYMOUS,
            filer_id=None,
            anonymised=True,
            token=f"anonymised-{secrets.token_urlsafe(24)}",
        )
        await Entry.create(complaint=view.complaint, kind=EntryKind.ANONYMISED, internal=True, author=viewer, at=now())
    return await get_case(viewer, number)


async def resend_link(number: str, email: str) -> None:
    """Mail the tracking link again to the case's contact, when ``number`` and ``email`` match; the caller answers
    the same either way."""
    number = clean_number(number)
    complaint = await Complaint.get_or_none(number=number, anonymised=False) if number else None
    if complaint is None or complaint.contact_email.casefold() != email.strip().casefold():
        return
    await _mail_filer(complaint, MAIL_LINK)


# Promises --------------------------------------------------------------------------------------------------------


def _warning_at(due: datetime) -> datetime:
    return due.replace(hour=9, minute=0, second=0)  # the morning of the last day, in the desk's zone


async def _schedule_warnings(complaint: Complaint) -> None:
    for stage, due in (("accept", complaint.accept_due_at), ("resolve", complaint.resolve_due_at)):
        await enqueue_job(
            WARN,
            {"complaint_id": complaint.id, "stage": stage},
            at=_warning_at(due),
            key=f"{WARN}:{complaint.id}:{stage}",
        )


async def _cancel_warnings(complaint: Complaint) -> None:
    for stage in ("accept", "resolve"):
        await cancel_job(f"{WARN}:{complaint.id}:{stage}")


# Canned replies --------------------------------------------------------------------------------------------------


async def add_canned(viewer: User | None, slug: str, title: str, body: str) -> CannedReply:
    _, desk = await staff_access(viewer, slug)
    title = _text(title, "title", NAME_MAX, Message("At most %(n)s characters.", n=NAME_MAX))
    body = _text(body, "body", BODY_MAX, Message("At most %(n)s characters.", n=BODY_MAX))
    if await CannedReply.filter(desk_id=desk.id).count() >= CANNED_MAX:
        raise ValidationError({"title": Message("A desk keeps at most %(n)s canned replies.", n=CANNED_MAX)})
    return await CannedReply.create(desk=desk, title=title, body=body)


async def remove_canned(viewer: User | None, slug: str, canned_id: int) -> None:
    _, desk = await staff_access(viewer, slug)
    if not await CannedReply.filter(id=canned_id, desk_id=desk.id).delete():
        raise NotFound(Message("No such canned reply."))


async def canned_replies(desk: Desk) -> list[CannedReply]:
    return list(await CannedReply.filter(desk_id=desk.id).order_by("title"))
