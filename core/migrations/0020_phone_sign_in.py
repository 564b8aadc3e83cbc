from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("core", "0019_sessions")]

    initial = False

    operations = [
        ops.CreateModel(
            name="PhoneCode",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ("phone", fields.CharField(max_length=20)),
                ("purpose", fields.CharField(max_length=16)),
                ("code_hash", fields.CharField(null=True, max_length=64)),
                ("tries", fields.IntField(default=0)),
                ("expires_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sent_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("day_started_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("sent_today", fields.IntField(default=0)),
            ],
            options={
                "table": "phone_codes",
                "app": "core",
                "unique_together": (("phone", "purpose"),),
                "pk_attr": "id",
                "table_description": "The code last texted to a phone number for a purpose (signing in, binding it to an account): only its",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="SignInKey",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "user",
                    fields.ForeignKeyField(
                        "core.User",
                        source_field="user_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="sign_in_keys",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("method", fields.CharField(max_length=16)),
                ("key", fields.CharField(max_length=128)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "sign_in_keys",
                "app": "core",
                "unique_together": (("method", "key"),),
                "indexes": [Index(fields=["user_id", "method"])],
                "pk_attr": "id",
                "table_description": "A way into an account other than its password: a phone number (``phone``, E.164) or a WeChat identity",
            },
            bases=["Model"],
        ),
    ]
