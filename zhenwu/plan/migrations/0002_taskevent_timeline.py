"""TaskEvent takes the shared timeline shape (core.timeline.TimelineEvent): `time` becomes
`recorded_at` (renamed, data kept), and the new business date `on_date` is filled from it in the
town's zone (Asia/Shanghai)."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_on_date(apps, schema_editor):
    from zhenwu.core.timeline import local_date

    TaskEvent = apps.get_model("plan", "TaskEvent")
    rows = list(TaskEvent.objects.order_by().only("pk", "recorded_at"))
    for row in rows:
        row.on_date = local_date(row.recorded_at)
    TaskEvent.objects.bulk_update(rows, ["on_date"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("plan", "0001_initial"),
    ]

    operations = [
        migrations.RenameField(model_name="taskevent", old_name="time", new_name="recorded_at"),
        migrations.AlterField(
            model_name="taskevent",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="记录时间"),
        ),
        migrations.AddField(
            model_name="taskevent",
            name="on_date",
            field=models.DateField(null=True, verbose_name="日期"),
        ),
        migrations.RunPython(fill_on_date, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="taskevent",
            name="on_date",
            field=models.DateField(verbose_name="日期"),
        ),
        migrations.AlterField(
            model_name="taskevent",
            name="town",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.town",
                verbose_name="乡镇",
            ),
        ),
        migrations.AlterModelOptions(
            name="taskevent",
            options={
                "ordering": ["on_date", "recorded_at", "id"],
                "verbose_name": "督办环节",
                "verbose_name_plural": "督办环节",
            },
        ),
    ]
