from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from plugins.flyer_campaign.models import CampaignState

import secrets

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


async def give_addresses(apps, schema_editor):
    """Every campaign made before gets an unguessable address (keys from a fixed alphabet: safe to write inline)."""
    client = schema_editor.client
    for row in await client.execute_query_dict("SELECT id FROM flyer_campaigns"):
        token = "".join(secrets.choice(ALPHABET) for _ in range(12))
        await client.execute_script(f"UPDATE flyer_campaigns SET token = '{token}' WHERE id = {int(row['id'])}")


class Migration(migrations.Migration):
    dependencies = [("flyer_campaign", "0002_block_item")]

    initial = False

    operations = [
        ops.AddField(
            model_name="Campaign",
            name="token",
            field=fields.CharField(default="", db_default="", max_length=16),
        ),
        ops.AddField(
            model_name="Campaign",
            name="state",
            field=fields.CharEnumField(
                default=CampaignState.DRAFT,
                db_default="published",  # the campaigns made before were public from the start
                description="DRAFT: draft\nPUBLISHED: published\nCLOSED: closed",
                enum_type=CampaignState,
                max_length=16,
            ),
        ),
        ops.RunPython(give_addresses),
        ops.RunSQL("CREATE UNIQUE INDEX flyer_campaigns_token ON flyer_campaigns (token)"),
    ]
