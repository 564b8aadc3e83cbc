"""The search documents of a site on PostgreSQL (core/search/postgres_index.py): made on PostgreSQL only, and
filled by ``server.py reindex`` (or, for what is written from now on, by the indexer). A site on SQLite keeps its
Whoosh index in the data dir."""

from tortoise import migrations
from tortoise.migrations import operations as ops

TABLE = """
CREATE TABLE IF NOT EXISTS search_documents (
    kind varchar(32) NOT NULL,
    object_id integer NOT NULL,
    thread_id integer NOT NULL,
    circle_id integer NOT NULL,
    author_id integer NOT NULL,
    audience text[] NOT NULL DEFAULT '{}',
    heading text NOT NULL,
    body text NOT NULL,
    url text NOT NULL,
    created_at timestamptz NOT NULL,
    words tsvector NOT NULL,
    PRIMARY KEY (kind, object_id)
);
CREATE INDEX IF NOT EXISTS search_documents_words ON search_documents USING gin (words);
CREATE INDEX IF NOT EXISTS search_documents_thread ON search_documents (thread_id);
CREATE INDEX IF NOT EXISTS search_documents_created ON search_documents (created_at);
"""


async def create_on_postgres(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql(TABLE)


async def drop_on_postgres(apps, schema_editor) -> None:
    if schema_editor.client.capabilities.dialect == "postgres":
        await schema_editor._run_sql("DROP TABLE IF EXISTS search_documents")


class Migration(migrations.Migration):
    dependencies = [("core", "0026_plugin_states")]

    initial = False

    operations = [ops.RunPython(create_on_postgres, drop_on_postgres)]
