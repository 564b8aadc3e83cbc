from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields


def _user(name: str) -> fields.ForeignKeyField:
    return fields.ForeignKeyField(
        "core.User",
        source_field=f"{name}_id",
        db_constraint=True,
        to_field="id",
        related_name=False,
        on_delete=OnDelete.CASCADE,
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notification_subjects")]

    initial = True

    operations = [
        ops.CreateModel(
            name="Letter",
            fields=[
                ("id", fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                (
                    "circle",
                    fields.ForeignKeyField(
                        "core.Circle",
                        source_field="circle_id",
                        db_constraint=True,
                        to_field="id",
                        related_name=False,
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("author", _user("author")),
                ("recipient", _user("recipient")),
                ("subject", fields.CharField(max_length=200)),
                ("body", fields.TextField()),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={"table": "letters", "app": "letters", "pk_attr": "id"},
            bases=["Model"],
        ),
    ]
