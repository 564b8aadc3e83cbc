from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

# The tokens made before epochs stay valid: each takes its account's current epoch.
CURRENT_EPOCHS = "UPDATE api_tokens SET epoch = (SELECT session_epoch FROM users WHERE users.id = api_tokens.user_id)"


class Migration(migrations.Migration):
    dependencies = [("core", "0007_notification_subjects")]

    initial = False

    operations = [
        ops.AddField(
            model_name="ApiToken",
            name="epoch",
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name="ApiToken",
            name="expires_at",
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.RunSQL([CURRENT_EPOCHS]),
    ]
