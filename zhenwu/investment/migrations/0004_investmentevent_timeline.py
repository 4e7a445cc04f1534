"""InvestmentEvent takes the shared timeline shape (core.timeline.TimelineEvent): `message`
becomes `note`, `user` becomes `actor`, `created_at` becomes `recorded_at` — renamed, data kept."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("investment", "0003_leader_name_without_account"),
    ]

    operations = [
        migrations.RenameField(model_name="investmentevent", old_name="message", new_name="note"),
        migrations.RenameField(model_name="investmentevent", old_name="user", new_name="actor"),
        migrations.RenameField(
            model_name="investmentevent", old_name="created_at", new_name="recorded_at"
        ),
        migrations.AlterField(
            model_name="investmentevent",
            name="town",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.town",
                verbose_name="乡镇",
            ),
        ),
        migrations.AlterModelOptions(
            name="investmentevent",
            options={
                "ordering": ["on_date", "recorded_at", "id"],
                "verbose_name": "项目动态",
                "verbose_name_plural": "项目动态",
            },
        ),
    ]
