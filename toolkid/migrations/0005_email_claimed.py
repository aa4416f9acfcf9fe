# E-mail of a notification is claimed (committed as "wordt verzonden") before it is sent and
# confirmed after: a crash doubles at most the one in flight. Choices are state only.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('toolkid', '0004_closure_day_history'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='email_claimed_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='notification',
            name='email_status',
            field=models.CharField(choices=[('wacht', 'Wacht op verzending'), ('wordt_verzonden', 'Wordt verzonden'), ('verzonden', 'Verzonden'), ('niet_verzonden', 'Niet verzonden')], default='wacht', max_length=20),
        ),
    ]
