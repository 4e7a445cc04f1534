"""The words township offices write for the choices of the ledgers' status columns."""

from django.db import migrations

SEED = {
    ("investment.investment", "stage"): {
        "意向": "lead",
        "有意向": "lead",
        "初步接洽": "lead",
        "洽谈中": "negotiating",
        "洽谈": "negotiating",
        "在洽谈": "negotiating",
        "正在洽谈": "negotiating",
        "已签约": "signed",
        "签约未开工": "signed",
        "已签约未开工": "signed",
        "已开工": "started",
        "在建": "started",
        "建设中": "started",
        "正在建设": "started",
        "已竣工": "completed",
        "竣工": "completed",
        "已投产": "completed",
        "投产": "completed",
        "已达产": "producing",
        "已终止": "terminated",
        "已放弃": "terminated",
    },
    ("projects.project", "status"): {
        "谋划中": "planning",
        "储备": "planning",
        "前期工作": "preparing",
        "前期中": "preparing",
        "开展前期": "preparing",
        "已开工": "building",
        "建设中": "building",
        "在建中": "building",
        "正在建设": "building",
        "已竣工": "completed",
        "完工": "completed",
        "已完工": "completed",
        "已投产": "operating",
        "运营": "operating",
        "已运营": "operating",
    },
}


def seed(apps, schema_editor):
    ChoiceSynonym = apps.get_model("core", "ChoiceSynonym")
    for (model, field), words in SEED.items():
        for word, value in words.items():
            ChoiceSynonym.objects.get_or_create(
                model=model, field=field, word=word, defaults={"value": value}
            )


def unseed(apps, schema_editor):
    ChoiceSynonym = apps.get_model("core", "ChoiceSynonym")
    for (model, field), words in SEED.items():
        ChoiceSynonym.objects.filter(model=model, field=field, word__in=list(words)).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0003_choice_synonyms")]

    operations = [migrations.RunPython(seed, unseed)]
