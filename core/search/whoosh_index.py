"""The search index in Whoosh: ``WhooshBackend`` (``core.search.backend.SearchBackend``), a generation of the
index in a folder of its own, named in ``CURRENT``, so that a rebuild swaps in whole."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import pickle
import shutil
import struct
import time
import traceback
import zlib
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
from whoosh import index
from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema
from whoosh.index import clean_files
from whoosh.query import And, AndMaybe, Every, Or, Query, Term, Wildcard
from whoosh.searching import Searcher

from core.contract.kinds import SearchDocument
from core.search.analysis import analyzer, query_words
from core.search.backend import Hit, IndexDamaged, SearchRequest
from core.search.scoring import SaturatedFrequency
from core.search.snippets import one_character, snippet

log = logging.getLogger("quanzi.search")

SCORING = SaturatedFrequency()
VISIBLE_SETS_KEPT = 4  # the document sets of the last few sets of visible circles asked for

# What a damaged index raises from deep inside Whoosh while it is read.
DAMAGE = (
    OSError,
    EOFError,
    ValueError,
    IndexError,
    KeyError,
    struct.error,
    pickle.UnpicklingError,
    zlib.error,
    index.IndexError,
)


def schema() -> Schema:
    words = analyzer()
    return Schema(
        key=ID(unique=True),
        kind=STORED,
        object_id=STORED,
        thread_id=ID(stored=True),
        circle_id=ID(stored=True),
        author_id=ID(stored=True),
        # Documents with an audience of their own are found by it, not by their circle's visibility.
        audience=KEYWORD,
        # Matching is on ``text`` (title and body together); a match in ``title`` only adds to the score.
        text=TEXT(analyzer=words),  # type: ignore[arg-type]  # a composed analyzer is one
        title=TEXT(analyzer=words, field_boost=2.0),  # type: ignore[arg-type]
        body=STORED,
        heading=STORED,
        url=STORED,
        created_at=NUMERIC(int, bits=64, stored=True, sortable=True),
    )


Postings = tuple[dict[str, list[int]], dict[str, list[int]]]  # a segment's documents by circle, by audience key


def _postings(reader: Any) -> Postings:
    """One segment's documents by circle and by audience key."""

    def by_term(field: str) -> dict[str, list[int]]:
        if field not in reader.schema:
            return {}
        return {term.decode(): list(reader.postings(field, term).all_ids()) for term in reader.lexicon(field)}

    return by_term("circle_id"), by_term("audience")


def _word_query(word: str) -> Query:
    """A word of the query; a single Chinese character (山) also inside the words it is part of (爬山, 山上), as a
    Chinese reader expects: a scan of the index's words, kept for these rare one-character searches."""
    if one_character(word):
        return Or([Term("text", word), Wildcard("text", f"*{word}*")])
    return Term("text", word)


def _document_fields(document: SearchDocument) -> dict[str, Any]:
    return {
        "key": f"{document.kind}:{document.id}",
        "kind": document.kind,
        "object_id": document.id,
        "thread_id": str(document.thread_id),
        "circle_id": str(document.circle_id),
        "author_id": str(document.author_id),
        "audience": " ".join(document.audience),
        "text": f"{document.title}\n{document.body}" if document.title_searchable else document.body,
        "title": document.title if document.title_searchable else "",
        "body": document.body,
        "heading": document.title,
        "url": document.url,
        "created_at": int(document.created_at.timestamp()),
    }


# Segments as separate files: Whoosh reads a compound segment file by copying each part into memory (measured on
# 400,000 posts: 250 MB more resident memory after the first query), and separate files straight from disk.
COMPOUND = False


class WhooshBackend:
    """A Whoosh index in ``folder``: the generation named in ``folder/CURRENT``, so that a rebuild swaps in whole."""

    REFRESH_EVERY = 0.5  # seconds between checks that another process has committed

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.folder.mkdir(parents=True, exist_ok=True)
        self._searcher: Searcher | None = None
        self._searcher_generation = ""
        # The documents of each circle and audience key, per segment of the index (segments never change once
        # written), and the union for the last few sets of visible circles, per searcher: the visibility filter is
        # exact and costs almost nothing per query, and little after each commit (only the new segment is read).
        self._segment_postings: dict[str, Postings] = {}
        self._visible_docs: dict[frozenset[int], set[int]] = {}
        self._checked_at = 0.0
        self._analyzer = analyzer()
        if not (folder / "CURRENT").exists():
            found = sorted(
                (int(path.name[1:]), path.name)
                for path in folder.glob("g*")
                if path.name[1:].isdigit() and index.exists_in(str(path))
            )
            if found:  # the pointer was lost, the index was not: point at the newest generation again
                log.warning("search index: CURRENT was missing; using %s", found[-1][1])
                self._point_at(found[-1][1])
            else:
                self._create_generation("g1")
                self._point_at("g1")
        elif "audience" not in self._open().schema:  # type: ignore[attr-defined]  # an index written before audiences: its documents have none
            writer = self._open().writer(timeout=30.0)
            writer.add_field("audience", KEYWORD())
            writer.commit()

    def _current(self) -> str:
        return (self.folder / "CURRENT").read_text().strip()

    def generation(self) -> str:
        return self._current()

    def _create_generation(self, name: str) -> index.Index:
        path = self.folder / name
        path.mkdir(parents=True, exist_ok=True)
        return index.create_in(str(path), schema())

    def _point_at(self, name: str) -> None:
        pointer = self.folder / "CURRENT.tmp"
        pointer.write_text(name)
        os.replace(pointer, self.folder / "CURRENT")  # atomic: readers see the old index or the new, never half

    def _open(self) -> index.Index:
        return index.open_dir(str(self.folder / self._current()))

    async def apply(
        self, upserts: list[SearchDocument], removals: list[tuple[str, int]], removed_threads: list[int]
    ) -> None:
        await anyio.to_thread.run_sync(self.apply_now, upserts, removals, removed_threads)

    def apply_now(
        self, upserts: list[SearchDocument], removals: list[tuple[str, int]], removed_threads: list[int]
    ) -> None:
        writer = self._open().writer(timeout=30.0, compound=COMPOUND)
        try:
            for kind, object_id in removals:
                writer.delete_by_term("key", f"{kind}:{object_id}")
            for thread_id in removed_threads:
                writer.delete_by_term("thread_id", str(thread_id))
            for document in upserts:
                writer.update_document(**_document_fields(document))
            writer.commit()
        except BaseException as error:
            with contextlib.suppress(Exception):  # after a half-done commit the writer may not cancel cleanly
                writer.cancel()
            # The failed writer's files stay open (their space taken) while anything holds them: its frames, then
            # its objects, which refer to each other. Let them all go before the files are removed.
            traceback.clear_frames(error.__traceback__)
            del writer
            gc.collect()
            self._remove_unused_files()  # a commit that failed (a full disk) leaves segment files behind
            raise
        self._checked_at = 0.0  # our own commit: look again at once

    def _remove_unused_files(self) -> None:
        """Delete the files of the current generation that its table of contents does not name, and free the
        writer's lock: what a failed commit wrote must not keep the space it took."""
        current: Any = self._open()  # a FileIndex
        clean_files(current.storage, current.indexname, current.latest_generation(), current._segments())
        with contextlib.suppress(Exception):
            current.storage.lock("MAIN_WRITELOCK").release()

    async def check(self) -> None:
        self._checked_at = 0.0  # look at the index as it is now, not as last opened
        try:
            searcher = self._fresh_searcher()
            searcher.search(Every(), limit=1)
            for reader, _ in searcher.reader().leaf_readers():
                _postings(reader)
                for docnum in reader.all_doc_ids():
                    reader.stored_fields(docnum)
                    break
        except DAMAGE as error:
            raise IndexDamaged(repr(error)) from error

    async def rebuild(self, batches: AsyncIterator[list[SearchDocument]]) -> None:
        rebuild = WhooshRebuild(self)
        try:
            async for documents in batches:
                rebuild.add(documents)
            await anyio.to_thread.run_sync(rebuild.finish)
        except BaseException:
            rebuild.abort()
            raise

    def _fresh_searcher(self) -> Searcher:
        now = time.monotonic()
        if self._searcher is None or now - self._checked_at > self.REFRESH_EVERY:
            self._checked_at = now
            for attempt in range(5):
                try:
                    self._refresh()
                    break
                except FileNotFoundError:
                    # A writer committed and removed the files of the version being opened: open the newer one.
                    if attempt == 4:
                        raise
                    time.sleep(0.01)
        assert self._searcher is not None
        return self._searcher

    def _refresh(self) -> None:
        generation = self._current()
        if self._searcher is None or generation != self._searcher_generation:
            if self._searcher is not None:
                self._searcher.close()
            self._searcher = self._open().searcher(weighting=SCORING)
            self._searcher_generation = generation
            self._visible_docs.clear()
        elif not self._searcher.up_to_date():
            # A new searcher, not Searcher.refresh(): refresh reuses segment readers, and with them stale deletions.
            self._searcher.close()
            self._searcher = self._open().searcher(weighting=SCORING)
            self._visible_docs.clear()

    def _segments(self, searcher: Searcher) -> list[tuple[int, Postings]]:
        """Each segment of this searcher's view of the index: its first document number, and its documents by
        circle and by audience key (read once per segment: segments never change once written)."""
        segments = []
        current: set[str] = set()
        for reader, offset in searcher.reader().leaf_readers():
            segment = reader.segment()
            key = segment.segment_id() if segment is not None else str(id(reader))
            current.add(key)
            if key not in self._segment_postings:
                self._segment_postings[key] = _postings(reader)
            segments.append((offset, self._segment_postings[key]))
        for gone in self._segment_postings.keys() - current:  # merged away
            del self._segment_postings[gone]
        return segments

    def _visible(self, searcher: Searcher, circles: frozenset[int], keys: frozenset[str]) -> set[int]:
        """The document numbers, in this searcher's view of the index, of the documents of ``circles`` that have no
        audience of their own, and of those whose audience holds one of ``keys``. The first part is kept per set of
        circles (viewers of the same circles share it); the second, usually empty, is added per viewer."""
        segments = self._segments(searcher)
        docs = self._visible_docs.pop(circles, None)
        if docs is None:
            docs = set()
            wanted = {str(circle) for circle in circles}
            for offset, (per_circle, per_audience) in segments:
                own = {docnum for found in per_audience.values() for docnum in found}
                for circle in wanted & per_circle.keys():
                    docs.update(offset + docnum for docnum in per_circle[circle] if docnum not in own)
        self._visible_docs[circles] = docs  # now the most recently used
        if len(self._visible_docs) > VISIBLE_SETS_KEPT:  # a set holds a number per visible document: keep a few
            del self._visible_docs[next(iter(self._visible_docs))]
        own_audience = {
            offset + docnum
            for offset, (_, per_audience) in segments
            for key in keys & per_audience.keys()
            for docnum in per_audience[key]
        }
        return docs | own_audience if own_audience else docs

    def _query(self, words: list[str]) -> Query:
        terms = [_word_query(word) for word in words]
        required = And(terms) if len(terms) > 1 else terms[0]
        return AndMaybe(required, Or([Term("title", word) for word in words]))

    async def search(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        """A search of a Whoosh index answers in a few milliseconds from the pages the system keeps in memory: in
        the event loop, not a thread."""
        return self.search_now(request)

    def search_now(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        try:
            return self._search(request)
        except DAMAGE as error:
            raise IndexDamaged(repr(error)) from error

    def _search(self, request: SearchRequest) -> tuple[list[Hit], bool]:
        words = query_words(request.words, self._analyzer)
        if not words:
            return [], False
        searcher = self._fresh_searcher()
        query = self._query(words)
        if request.circle_id is not None:
            query = And([query, Term("circle_id", str(request.circle_id))])
        if request.author_id is not None:
            query = And([query, Term("author_id", str(request.author_id))])
        visible = None
        if request.allowed_circles is not None:
            visible = self._visible(searcher, request.allowed_circles, request.audience_keys)
            if not visible:  # Whoosh reads an empty filter as none at all
                return [], False
        wanted = request.offset + request.limit + 1
        results = searcher.search(
            query,
            limit=wanted,
            filter=visible,
            sortedby="created_at" if request.newest_first else None,
            reverse=request.newest_first,
        )
        hits = []
        # Slicing the top hits (not list(results), which counts every match) keeps to the top N.
        for hit in results[request.offset : request.offset + request.limit]:
            hits.append(
                Hit(
                    kind=hit["kind"],
                    object_id=hit["object_id"],
                    thread_id=int(hit["thread_id"]),
                    circle_id=int(hit["circle_id"]),
                    author_id=int(hit["author_id"]),
                    title=hit["heading"],
                    snippet=snippet(hit["body"], words, self._analyzer),
                    url=hit["url"],
                    created_at=hit["created_at"],
                )
            )
        return hits, results.scored_length() > request.offset + request.limit


class WhooshRebuild:
    """A new generation of the index, written beside the current one and switched to when finished."""

    def __init__(self, backend: WhooshBackend) -> None:
        self.backend = backend
        self.old = backend._current()
        self.new = f"g{int(self.old[1:]) + 1}" if self.old[1:].isdigit() else "g1"
        shutil.rmtree(backend.folder / self.new, ignore_errors=True)
        self.writer = backend._create_generation(self.new).writer(limitmb=256, compound=COMPOUND)

    def add(self, documents: list[SearchDocument]) -> None:
        for document in documents:
            self.writer.add_document(**_document_fields(document))

    def finish(self) -> None:
        self.writer.commit(optimize=True)
        self.backend._point_at(self.new)
        shutil.rmtree(self.backend.folder / self.old, ignore_errors=True)

    def abort(self) -> None:
        self.writer.cancel()
        shutil.rmtree(self.backend.folder / self.new, ignore_errors=True)
