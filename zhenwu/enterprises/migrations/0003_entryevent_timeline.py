"""EntryEvent takes the shared timeline shape (core.timeline.TimelineEvent): `date` becomes
`on_date` and `user` becomes `actor` (renamed, data kept), `note` a text field; the new `kind` is
filled from the statuses each step moved between, `recorded_at` from the row's `created_at`."""

import django.utils.timezone
from django.db import migrations, models


def fill_kind_and_recorded_at(apps, schema_editor):
    from zhenwu.enterprises.models import entry_event_kind

    EntryEvent = apps.get_model("enterprises", "EntryEvent")
    rows = list(EntryEvent._base_manager.order_by().only("pk", "from_status", "to_status", "created_at"))
    for row in rows:
        row.kind = entry_event_kind(row.from_status, row.to_status)
        row.recorded_at = row.created_at
    EntryEvent._base_manager.bulk_update(rows, ["kind", "recorded_at"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0002_cadre_name_without_account"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entryevent", name="enterprises_town_id_025317_idx"),
        migrations.RenameField(model_name="entryevent", old_name="date", new_name="on_date"),
        migrations.RenameField(model_name="entryevent", old_name="user", new_name="actor"),
        migrations.AlterField(
            model_name="entryevent",
            name="note",
            field=models.TextField(blank=True, verbose_name="说明"),
        ),
        migrations.AddField(
            model_name="entryevent",
            name="kind",
            field=models.CharField(
                choices=[("advance", "推进"), ("withdraw", "退库"), ("restart", "重新培育")],
                default="advance",
                max_length=10,
                verbose_name="环节",
            ),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="entryevent",
            name="recorded_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="记录时间"),
        ),
        migrations.RunPython(fill_kind_and_recorded_at, migrations.RunPython.noop, elidable=False),
        migrations.AlterModelOptions(
            name="entryevent",
            options={
                "base_manager_name": "all_objects",
                "default_manager_name": "objects",
                "ordering": ["on_date", "recorded_at", "id"],
                "verbose_name": "入库进程",
                "verbose_name_plural": "入库进程",
            },
        ),
        migrations.AddIndex(
            model_name="entryevent",
            index=models.Index(
                fields=["town", "to_status", "on_date"], name="enterprises_town_id_982c37_idx"
            ),
        ),
    ]
