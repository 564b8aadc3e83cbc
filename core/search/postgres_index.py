"""The search index in PostgreSQL: ``PostgresBackend`` (``core.search.backend.SearchBackend``), the table
``search_documents`` that every machine of a site reads and the indexer of any one of them writes.

PostgreSQL's own parsers do not cut Chinese into words, so the application does, with the same analyzer as the
Whoosh index (core/search/analysis.py: rjieba's words, English stemmed): each document's ``tsvector`` is written
here as a literal, its title's words weighted A, and a query is the AND of its words' lexemes (after Discourse,
which also segments in the application; shared/reference/identity-talk-money.md, section 6). A single Chinese
character searched for is also found inside the words it is part of (山 in 爬山), as in Whoosh: the characters of
every Chinese word are lexemes too. The visibility rule is in the query's WHERE, so a private circle's documents are
never counted, ranked or shown; snippets are made here from the stored text (core/search/snippets.py), for the page
of hits only.

The table is made by a migration on PostgreSQL only (core/migrations/0027_search_documents.py).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime
from typing import Any

from tortoise import connections

from core.contract.kinds import SearchDocument
from core.search.analysis import analyzer, query_words
from core.search.backend import Hit, IndexDamaged, SearchRequest
from core.search.snippets import SINGLE_CJK, snippet

# Told on every commit that changes the documents: every worker of every machine forgets its guests' search answers.
CHANGED = "quanzi_search_changed"
ANNOUNCE = f"SELECT pg_notify('{CHANGED}', '')"

# The positions kept of each word in a document: what the ranking reads (a word's count counts less and less).
POSITIONS = 8
LONGEST_WORD = 200  # characters: longer "words" (a pasted hash) are not searchable
LAST_POSITION = 16383  # PostgreSQL's largest; later words share it

COLUMNS = "kind, object_id, thread_id, circle_id, author_id, audience, heading, body, url, created_at, words"
UPSERT = f"""
INSERT INTO search_documents ({COLUMNS})
SELECT kind, object_id, thread_id, circle_id, author_id, string_to_array(audience, ' '), heading, body, url,
       created_at, words::tsvector
FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::int[], $6::text[], $7::text[], $8::text[], $9::text[],
            $10::timestamptz[], $11::text[])
     AS d(kind, object_id, thread_id, circle_id, author_id, audience, heading, body, url, created_at, words)
ON CONFLICT (kind, object_id) DO UPDATE SET
    thread_id = excluded.thread_id, circle_id = excluded.circle_id, author_id = excluded.author_id,
    audience = excluded.audience, heading = excluded.heading, body = excluded.body, url = excluded.url,
    created_at = excluded.created_at, words = excluded.words
"""
REMOVE = """
DELETE FROM search_documents d USING unnest($1::text[], $2::int[]) AS r(kind, object_id)
WHERE d.kind = r.kind AND d.object_id = r.object_id
"""
REMOVE_THREADS = "DELETE FROM search_documents WHERE thread_id = ANY($1::int[])"
# What a page of hits reads. By relevance: the best of the newest ``RANKED`` matches. A word in most posts
# ("weekend" is in 28,000 of the bench's 40,000) would otherwise rank every one of them (20 ms at 40,000 posts, ten
# times that at 400,000); walking the index of times backwards to the newest matches costs the same at any size, and
# for a rarer word PostgreSQL reads its few matches from the GIN index instead (its statistics of the words decide).
RANKED = 2000
SELECTED = """
SELECT kind, object_id, thread_id, circle_id, author_id, heading, body, url,
       extract(epoch FROM created_at)::float8 AS created_at
"""
# (statements that begin with SELECT: a worker counts any other as a change of the database, core/remembered.py)
BY_RELEVANCE = f"""
{SELECTED} FROM (
    SELECT * FROM search_documents WHERE words @@ $1::tsquery {{where}} ORDER BY created_at DESC LIMIT {RANKED}
) AS newest
ORDER BY ts_rank(words, $1::tsquery) DESC, newest.created_at DESC, object_id DESC
LIMIT {{limit}} OFFSET {{offset}}
"""
NEWEST = f"""
{SELECTED} FROM search_documents WHERE words @@ $1::tsquery {{where}}
ORDER BY search_documents.created_at DESC, object_id DESC
LIMIT {{limit}} OFFSET {{offset}}
"""


def _quoted(word: str) -> str:
    """``word`` as one lexeme of a tsvector or tsquery literal."""
    return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"


def _vector(document: SearchDocument, words: Any) -> str:
    """The tsvector literal of ``document``: each word with its first positions, the title's weighted A."""
    positions: dict[str, list[str]] = {}
    position = 0
    parts = [(document.title, "A")] if document.title_searchable else []
    for text, weight in [*parts, (document.body, "")]:
        for token in words(text):
            position = min(position + 1, LAST_POSITION)
            word = token.text
            if len(word) > LONGEST_WORD:
                continue
            # a Chinese word's characters, each found by a search for it alone
            characters = tuple(dict.fromkeys(word)) if len(word) > 1 and SINGLE_CJK.match(word) else ()
            for lexeme in (word, *characters):
                kept = positions.setdefault(lexeme, [])
                at = f"{position}{weight}"
                if len(kept) < POSITIONS and (not kept or kept[-1] != at):
                    kept.append(at)
    return " ".join(f"{_quoted(lexeme)}:{','.join(kept)}" for lexeme, kept in positions.items())


def _moment(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class PostgresBackend:
    """The search documents of the site's PostgreSQL database."""

    def __init__(self) -> None:
        self._analyzer = analyzer()

    def generation(self) -> str:
        return "postgres"  # one table, rebuilt in place in one transaction

    def _rows(self, documents: list[SearchDocument]) -> list[list[Any]]:
        """The columns of ``documents`` (the last of any repeated one), as the arrays ``UPSERT`` unnests."""
        latest = {(document.kind, document.id): document for document in documents}.values()
        return [
            [document.kind for document in latest],
            [document.id for document in latest],
            [document.thread_id for document in latest],
            [document.circle_id for document in latest],
            [document.author_id for document in latest],
            [" ".join(document.audience) for document in latest],
            [document.title for document in latest],
            [document.body for document in latest],
            [document.url for document in latest],
            [_moment(document.created_at) for document in latest],
            [_vector(document, self._analyzer) for document in latest],
        ]

    async def apply(
        self, upserts: list[SearchDocument], removals: list[tuple[str, int]], removed_threads: list[int]
    ) -> None:
        rows = self._rows(upserts) if upserts else None
        async with connections.get("default").acquire_connection() as connection, connection.transaction():
            if removals:
                await connection.execute(REMOVE, [kind for kind, _ in removals], [number for _, number in removals])
            if removed_threads:
                await connection.execute(REMOVE_THREADS, removed_threads)
            if rows:
                await connection.execute(UPSERT, *rows)
            await connection.execute(ANNOUNCE)

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> None:
        """Every document anew, in one transaction on a connection of its own: searches read the old ones until it
        commits (the batches' own reads, and the lease's renewals, go on outside it)."""
        async with connections.get("default").acquire_connection() as connection, connection.transaction():
            await connection.execute("DELETE FROM search_documents")
            async for documents in batches:
                if documents:
                    await connection.execute(UPSERT, *self._rows(documents))
            await connection.execute(ANNOUNCE)
        async with connections.get("default").acquire_connection() as connection:
            # the old rows' space made free again, and the words' statistics by which a search's plan is chosen
            await connection.execute("VACUUM ANALYZE search_documents")

    async def check(self) -> None:
        try:
            async with connections.get("default").acquire_connection() as connection:
                await connection.fetch("SELECT kind FROM search_documents LIMIT 1")
        except Exception as error:  # the table missing (a database not migrated), or unreadable
            raise IndexDamaged(repr(error)) from error

    async def search(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        words = query_words(request.words, self._analyzer)
        if not words:
            return [], False
        params: list[Any] = [" & ".join(_quoted(word) for word in words)]
        where = []
        if request.allowed_circles is not None:
            params += [sorted(request.allowed_circles), sorted(request.audience_keys)]
            where.append(
                f"((audience = '{{}}' AND circle_id = ANY(${len(params) - 1}::int[])) "
                f"OR audience && ${len(params)}::text[])"
            )
        for column, value in (("circle_id", request.circle_id), ("author_id", request.author_id)):
            if value is not None:
                params.append(value)
                where.append(f"{column} = ${len(params)}")
        statement = (NEWEST if request.newest_first else BY_RELEVANCE).format(
            where="".join(f" AND {condition}" for condition in where), limit=request.limit + 1, offset=request.offset
        )
        try:
            async with connections.get("default").acquire_connection() as connection, connection.transaction():
                # planned for these words, not once for any (a prepared statement's generic plan reads every match
                # of a common word from the GIN index: 27 ms for "活动" at 40,000 posts, 5 ms planned for it)
                await connection.execute("SET LOCAL plan_cache_mode = force_custom_plan")
                rows: Sequence[Any] = await connection.fetch(statement, *params)
        except Exception as error:
            if "search_documents" in str(error):  # the table missing: not migrated
                raise IndexDamaged(repr(error)) from error
            raise
        hits = [
            Hit(
                kind=row["kind"],
                object_id=row["object_id"],
                thread_id=row["thread_id"],
                circle_id=row["circle_id"],
                author_id=row["author_id"],
                title=row["heading"],
                snippet=snippet(row["body"], words, self._analyzer),
                url=row["url"],
                created_at=row["created_at"],
            )
            for row in rows[: request.limit]
        ]
        return hits, len(rows) > request.limit
