from django.db import migrations

TRADES = ["防水工", "保温工", "瓦工", "木工", "钢筋工", "架子工", "电工", "焊工", "其他"]


def seed(apps, schema_editor):
    Trade = apps.get_model("labor", "Trade")
    for order, name in enumerate(TRADES, start=1):
        Trade.objects.get_or_create(name=name, defaults={"order": order})


class Migration(migrations.Migration):
    dependencies = [("labor", "0001_workers_training_placements")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
