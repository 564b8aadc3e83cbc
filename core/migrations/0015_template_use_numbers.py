from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.migrations.constraints import UniqueConstraint

# A template applied to a circle more than once (``--again``) before uses were numbered: number them in the order
# they were made.
NUMBER_USES = (
    "UPDATE template_uses SET number = numbered.n FROM "
    "(SELECT id, ROW_NUMBER() OVER (PARTITION BY circle_id, template ORDER BY id) AS n FROM template_uses) AS numbered "
    "WHERE template_uses.id = numbered.id"
)


class Migration(migrations.Migration):
    dependencies = [("core", "0014_notices")]

    initial = False

    operations = [
        ops.RemoveIndex(
            model_name="TemplateUse",
            name=None,
            fields=["circle_id", "template"],
        ),
        ops.AddField(
            model_name="TemplateUse",
            name="number",
            field=fields.IntField(default=1, db_default=1),
        ),
        ops.RunSQL([NUMBER_USES]),
        ops.AddConstraint(
            model_name="TemplateUse",
            constraint=UniqueConstraint(fields=("circle", "template", "number"), name=None),
        ),
    ]
