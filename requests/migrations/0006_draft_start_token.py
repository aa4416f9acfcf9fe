# The start form's token on the request: two posts of one "Nieuw informatieverzoek" form start one
# draft, also when they arrive at the same moment (a unique column). Nullable: older rows have none.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('requests', '0005_event_kind_choices'),
    ]

    operations = [
        migrations.AddField(
            model_name='informationrequest',
            name='start_token',
            field=models.UUIDField(blank=True, editable=False, null=True, unique=True),
        ),
    ]
