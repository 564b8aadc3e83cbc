from tortoise import migrations
from tortoise.migrations import operations as ops
from core.accounts.models import SessionKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# The API tokens still valid (made in the account's current session epoch) become sessions of kind "token", with the
# same hash: programs that hold them go on working. Browsers' cookie sessions name no row: their members sign in once.
LIVE_TOKENS = (
    "INSERT INTO sessions (user_id, kind, key_hash, name, created_at, last_seen_at, expires_at) "
    "SELECT t.user_id, 'token', t.token_hash, t.name, t.created_at, NULL, t.expires_at "
    "FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.epoch = u.session_epoch"
)


class DropEpochColumn(ops.RemoveField):
    """The column goes with ``ALTER TABLE ... DROP COLUMN`` on both databases. Tortoise's SQLite form of a removed
    field rebuilds the table, and dropping the old ``users`` table would delete, by its foreign keys' cascades,
    every row of every table that names a member."""

    async def database_forward(self, app_label, old_state, new_state, state_editor=None) -> None:
        if state_editor:
            await state_editor._run_sql('ALTER TABLE users DROP COLUMN "session_epoch"')


class Migration(migrations.Migration):
    dependencies = [("core", "0018_moderation")]

    initial = False

    operations = [
        ops.CreateModel(
            name="Session",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sessions",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="BROWSER: browser\nTOKEN: token", enum_type=SessionKind, max_length=16
                    ),
                ),
                ("key_hash", fields.CharField(unique=True, max_length=64)),
                ("name", fields.CharField(default="", max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ("last_seen_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ("expires_at", fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "sessions",
                "app": "core",
                "indexes": [Index(fields=["user_id", "kind"])],
                "pk_attr": "id",
                "table_description": "One way an account is signed in: a browser or an API token. Only the key's sha256 is kept, so a copy of the",
            },
            bases=["Model"],
        ),
        ops.RunSQL([LIVE_TOKENS]),
        DropEpochColumn(model_name="User", name="session_epoch"),
        ops.DeleteModel(name="ApiToken"),
    ]
