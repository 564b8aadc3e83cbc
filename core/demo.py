"""``server.py demo``: a believable club to look at (``--size small``), or the benchmark's data set (``--size large``:
200 members, 2,000 threads, 40,000 posts), written in bulk with a progress bar."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image, ImageDraw
from rich.progress import Progress
from tortoise.transactions import in_transaction

from core.accounts import names
from core.accounts.models import User
from core.accounts.passwords import Passwords
from core.circles.models import Circle, JoinPolicy, MemberRole, Membership, MemberStatus, Visibility
from core.markdown import render
from core.threads.models import Post, Thread
from core.uploads.service import MB, Limits, add_uses, picture_of, save_picture, set_uses
from core.uploads.storage import Store

DEMO_PASSWORD = "demo-password"
DEMO_LIMITS = Limits(max_bytes=8 * MB, quota_bytes=300 * MB)

SMALL: list[dict[str, Any]] = [
    {
        "slug": "city-walks",
        "name": "城市徒步俱乐部",
        "description": "每周末一起走街串巷，发现城市里的好风景。",
        "cover": True,
        "tint": "green",
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.OPEN,
        "threads": [
            (
                "新人必读：活动规则和装备清单",
                "欢迎加入！参加活动前请阅读：\n\n1. 准时集合，迟到超过 10 分钟不等\n2. 穿**防滑**的鞋，带足饮用水\n3. 垃圾随身带走\n\n有问题直接在下面回复。",
                True,
                ["收到，谢谢整理！", "请问雨天活动照常吗？", "@小林 小雨照常，大雨会提前一天通知。"],
            ),
            (
                "周六走滨江步道，有人一起吗？",
                "计划早上 8 点在地铁站 A 口集合，全程大约 12 公里，终点有早茶。",
                False,
                [
                    "报名 +1",
                    "我带两个朋友一起来可以吗？",
                    "当然可以，记得在群里说一声人数。",
                    "滨江那段风景很好，推荐！",
                ],
            ),
            (
                "推荐几双适合长距离步行的鞋",
                "最近膝盖有点不舒服，想换一双缓震好一点的鞋，大家有什么推荐？",
                False,
                ["我一直穿越野跑鞋，抓地力很好。", "建议去店里试穿，每个人脚型不一样。"],
            ),
            (
                "上周老城区徒步的照片分享",
                "上周的路线经过了三座老桥和一条百年老街，天气特别好。大家把照片发上来吧～",
                False,
                ["拍得太美了！", "下次还想走这条路线。"],
            ),
        ],
    },
    {
        "slug": "book-club",
        "name": "Riverside Book Club",
        "description": "One book a month, one evening of good talk.",
        "visibility": Visibility.PUBLIC,
        "join_policy": JoinPolicy.APPROVAL,
        "threads": [
            (
                "November read: The Remains of the Day",
                "This month we read *The Remains of the Day*. We meet on the last Thursday at the library café.\n\n| week | chapters |\n|---|---|\n| 1 | Prologue–Day One |\n| 2 | Day Two |\n| 3 | Day Three–Four |\n| 4 | Day Six |",
                True,
                [
                    "Just picked up my copy!",
                    "Is there an audiobook version worth listening to?",
                    "The one read by Simon Prebble is lovely.",
                ],
            ),
            (
                "Suggestions for next year's list",
                "Drop your suggestions below; we will vote in December.",
                False,
                ["*Pachinko* by Min Jin Lee.", "Something shorter in February, please.", "+1 for Pachinko"],
            ),
            (
                "Where should we hold the holiday meet-up?",
                "The café closes early in December. Ideas?",
                False,
                ["My place has room for twelve.", "The community centre rents rooms for free to clubs."],
            ),
        ],
    },
    {
        "slug": "organisers",
        "name": "组织者 Organisers",
        "description": "活动组织者的内部讨论 · For organisers only.",
        "visibility": Visibility.PRIVATE,
        "join_policy": JoinPolicy.INVITE,
        "threads": [
            (
                "明年活动预算 · Next year's budget",
                "初稿在共享文件夹里，请大家周五前看一下。Draft is in the shared folder.",
                False,
                ["看过了，交通费那一项偏低。", "Agreed, let's add a buffer."],
            ),
        ],
    },
]
SMALL_MEMBERS = [
    ("小林", "Lin"),
    ("王芳", ""),
    ("chen_wei", "陈伟"),
    ("emma", "Emma Wright"),
    ("tom-b", "Tom B."),
    ("李雷", ""),
    ("hanmeimei", "韩梅梅"),
]

WORDS_ZH = "今天 周末 活动 报名 大家 圈子 分享 推荐 问题 谢谢 时间 地点 集合 路线 照片 天气 讨论 投诉 建议 会员 产品 体验 阅读 亲子 习惯 家庭 城市 步行 朋友 安排".split()
WORDS_EN = "weekend meeting book club members question thanks route photos weather discussion suggestion product experience reading family habit city walk friends schedule venue budget library coffee evening".split()


RARE_ZH = "假酒 投诉 售后 团购 积分 礼品 鉴定 快递 退款 发票".split()
RARE_EN = "aardvark marmalade volcano quince persimmon kumquat zeppelin harpsichord origami saxophone".split()
# Words are drawn with Zipf-like weights (a few very common, most rare), as in real text.
ZIPF_ZH = [1 / rank for rank in range(1, len(WORDS_ZH) + 1)]
ZIPF_EN = [1 / rank for rank in range(1, len(WORDS_EN) + 1)]


def _sentence(rng: random.Random) -> str:
    chinese = rng.random() < 0.5
    pool, weights, rare = (WORDS_ZH, ZIPF_ZH, RARE_ZH) if chinese else (WORDS_EN, ZIPF_EN, RARE_EN)
    words = rng.choices(pool, weights, k=rng.randint(4, 12))
    if rng.random() < 0.02:
        words.insert(rng.randrange(len(words)), rng.choice(rare))
    return "".join(words) + "。" if chinese else " ".join(words).capitalize() + "."


async def present() -> bool:
    """Whether the demo content is here already (from an earlier run)."""
    return await User.filter(email__endswith="@demo.example").exists()


async def has_content() -> bool:
    """Whether the site has circles or discussions of its own (the demo should not write into a live club)."""
    return await Circle.exists() or await Thread.exists()


async def _user(number: int, username: str, display_name: str, password_hash: str) -> User:
    return await User.create(
        username=username,
        username_key=names.username_key(username),
        skeleton=names.skeleton(username),
        email=f"member{number}@demo.example",
        password_hash=password_hash,
        display_name=display_name,
        email_verified=True,
    )


def _landscape(width: int, height: int, seed: int) -> bytes:
    """A drawn picture of hills under a sky (the demo's photos: made here, so that no one's photo is shipped)."""
    rng = random.Random(seed)
    image = Image.new("RGB", (width, height))
    draw = ImageDraw.Draw(image)
    for y in range(height):  # the sky, lighter towards the horizon
        shade = y / height
        draw.line([(0, y), (width, y)], fill=(int(90 + 120 * shade), int(150 + 80 * shade), int(220 + 30 * shade)))
    draw.ellipse([width * 0.72, height * 0.12, width * 0.72 + height * 0.22, height * 0.34], fill=(255, 226, 150))
    for layer, colour in enumerate([(96, 140, 110), (62, 118, 80), (40, 92, 60)]):
        base = height * (0.5 + 0.15 * layer)
        points = [(0.0, float(height))]
        for x in range(0, width + 80, 80):
            points.append((float(x), base - rng.uniform(0, height * 0.22)))
        points.append((float(width), float(height)))
        draw.polygon(points, fill=colour)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


async def small(hasher: Passwords, store: Store) -> list[str]:
    """A Chinese club, an English club and a private circle, with members, threads and replies, a cover and photos
    for the walking club; the members' names."""
    password_hash = await hasher.hash(DEMO_PASSWORD)
    users = [
        await _user(number, username, display, password_hash)
        for number, (username, display) in enumerate(SMALL_MEMBERS)
    ]
    start = datetime.now(UTC) - timedelta(days=20)
    rng = random.Random(7)
    for number, spec in enumerate(SMALL):
        owner = users[number]
        members = [
            owner,
            *rng.sample([u for u in users if u is not owner], 4 if spec["visibility"] == Visibility.PUBLIC else 2),
        ]
        async with in_transaction():
            circle = await Circle.create(
                slug=spec["slug"],
                name=spec["name"],
                description=spec["description"],
                visibility=spec["visibility"],
                join_policy=spec["join_policy"],
                created_by=owner,
                member_count=len(members),
            )
            for member in members:
                role = MemberRole.OWNER if member is owner else MemberRole.MEMBER
                await Membership.create(circle=circle, user=member, role=role, status=MemberStatus.ACTIVE)
            if spec.get("cover"):  # a drawn landscape and the club's colour
                cover = await save_picture(owner, _landscape(1600, 600, number), store, DEMO_LIMITS)
                circle.cover, circle.tint = cover.name, spec["tint"]
                await set_uses("circle_cover", circle.id, [cover.sha], circle_id=circle.id)
            for title, body, pinned, replies in spec["threads"]:
                at = start + timedelta(hours=rng.randint(1, 400))
                author = rng.choice(members)
                pictures = {}
                if spec.get("cover") and "照片" in title:  # the photo thread shows one
                    photo = picture_of(await save_picture(author, _landscape(1200, 800, 11), store, DEMO_LIMITS))
                    body += f"\n\n![老桥]({photo.url})"
                    pictures = {photo.sha: photo}
                thread = await Thread.create(
                    circle=circle,
                    author=author,
                    title=title,
                    pinned=pinned,
                    created_at=at,
                    last_activity_at=at,
                    post_count=1 + len(replies),
                    last_number=1 + len(replies),
                )
                first = await Post.create(
                    thread=thread,
                    author=author,
                    body=body,
                    html=render(body, [u.username for u in users], pictures),
                    created_at=at,
                )
                await add_uses("post", first.id, pictures, circle_id=circle.id)
                thread.first_post_id = first.id
                for number, text in enumerate(replies, start=2):
                    at += timedelta(minutes=rng.randint(5, 600))
                    await Post.create(
                        thread=thread,
                        number=number,
                        author=rng.choice(members),
                        body=text,
                        html=render(text, [u.username for u in users]),
                        created_at=at,
                    )
                thread.last_activity_at = at
                await thread.save()
                circle.thread_count += 1
                circle.last_activity_at = max(circle.last_activity_at or at, at)
            await circle.save()
    await _recount_users()
    return [user.username for user in users]


async def _recount_users() -> None:
    for user in await User.all():
        user.thread_count = await Thread.filter(author=user, deleted_at__isnull=True).count()
        user.post_count = await Post.filter(author=user, deleted_at__isnull=True).count()
        await user.save(update_fields=["thread_count", "post_count"])


async def large(hasher: Passwords, scale: int = 1, seed: int = 1) -> list[str]:
    """The benchmark data set: 200 members, 2,000 threads and 40,000 posts (times ``scale``) in 10 circles; the
    members' names."""
    rng = random.Random(seed)
    password_hash = await hasher.hash(DEMO_PASSWORD)
    user_count, thread_count, post_count = 200 * scale, 2000 * scale, 40_000 * scale
    base_user = (await User.all().order_by("-id").first() or User(id=0)).id
    base_circle = (await Circle.all().order_by("-id").first() or Circle(id=0)).id
    base_thread = (await Thread.all().order_by("-id").first() or Thread(id=0)).id
    base_post = (await Post.all().order_by("-id").first() or Post(id=0)).id
    now = datetime.now(UTC)
    with Progress() as progress:
        task = progress.add_task("members", total=user_count)
        users = []
        for index in range(user_count):
            username = f"bench{base_user + index + 1}"
            users.append(
                User(
                    id=base_user + index + 1,
                    username=username,
                    username_key=username,
                    skeleton=names.skeleton(username),
                    email=f"{username}@demo.example",
                    password_hash=password_hash,
                    email_verified=True,
                    created_at=now - timedelta(days=400),
                )
            )
        async with in_transaction():
            await User.bulk_create(users, batch_size=500)
        progress.advance(task, user_count)

        task = progress.add_task("circles", total=10)
        circles = [
            Circle(
                id=base_circle + index + 1,
                slug=f"bench-{base_circle + index + 1}",
                name=f"Benchmark circle {index + 1} · 测试圈子",
                visibility=Visibility.PRIVATE if index >= 8 else Visibility.PUBLIC,
                created_at=now - timedelta(days=400),
                member_count=user_count // 10 if index >= 8 else user_count,
            )
            for index in range(10)
        ]
        memberships = [
            Membership(circle_id=circle.id, user_id=user.id, role=MemberRole.OWNER if n == 0 else MemberRole.MEMBER)
            for circle in circles
            for n, user in enumerate(users if circle.visibility == Visibility.PUBLIC else users[: user_count // 10])
        ]
        async with in_transaction():
            await Circle.bulk_create(circles)
            await Membership.bulk_create(memberships, batch_size=1000)
        progress.advance(task, 10)

        # One long thread (for the benchmark's last-page figure), the rest share the posts out evenly.
        per_thread = [post_count // 10] + [(post_count - post_count // 10) // (thread_count - 1)] * (thread_count - 1)
        per_thread[-1] += post_count - sum(per_thread)
        task = progress.add_task("threads and posts", total=post_count)
        post_id = base_post
        for first_index in range(0, thread_count, 100):
            threads, posts = [], []
            for index in range(first_index, min(first_index + 100, thread_count)):
                circle = circles[index % 10]
                members = users if circle.visibility == Visibility.PUBLIC else users[: user_count // 10]
                at = now - timedelta(minutes=rng.randint(60, 525_600))
                thread = Thread(
                    id=base_thread + index + 1,
                    circle_id=circle.id,
                    author_id=rng.choice(members).id,
                    title=_sentence(rng)[:80],
                    created_at=at,
                    post_count=per_thread[index],
                    last_number=per_thread[index],
                )
                for number in range(per_thread[index]):
                    post_id += 1
                    body = " ".join(_sentence(rng) for _ in range(rng.randint(1, 4)))
                    author_id = thread.author_id if number == 0 else rng.choice(members).id
                    posts.append(
                        Post(
                            id=post_id,
                            thread_id=thread.id,
                            number=number + 1,
                            author_id=author_id,
                            body=body,
                            html=render(body),
                            created_at=at,
                        )
                    )
                    if number == 0:
                        thread.first_post_id = post_id
                    at += timedelta(seconds=rng.randint(30, 3600))
                thread.last_activity_at = at
                threads.append(thread)
            async with in_transaction():
                await Thread.bulk_create(threads)
                await Post.bulk_create(posts, batch_size=1000)
            progress.advance(task, len(posts))

        task = progress.add_task("counters", total=1)
        async with in_transaction() as connection:
            for circle in circles:
                last = await Thread.filter(circle_id=circle.id).order_by("-last_activity_at").first()
                await Circle.filter(id=circle.id).update(
                    thread_count=await Thread.filter(circle_id=circle.id).count(),
                    last_activity_at=last.last_activity_at if last else None,
                )
            await connection.execute_query(
                "UPDATE users SET post_count = (SELECT COUNT(*) FROM posts WHERE posts.author_id = users.id), "
                f"thread_count = (SELECT COUNT(*) FROM threads WHERE threads.author_id = users.id) WHERE id > {int(base_user)}"
            )
        progress.advance(task, 1)
    await _fix_sequences()
    return [user.username for user in users]


async def _fix_sequences() -> None:
    """After inserts with explicit ids, PostgreSQL's sequences must move past them (SQLite needs nothing)."""
    from tortoise import connections

    connection = connections.get("default")
    if connection.capabilities.dialect != "postgres":
        return
    for table in ("users", "circles", "memberships", "threads", "posts"):
        await connection.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
        )
