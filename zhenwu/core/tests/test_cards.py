"""Lists become cards on a phone (issue 10 item 3): one partial in the generic list, the same
rows, the fields that matter, the light and the amount; personal numbers masked alike."""

import re
from decimal import Decimal

import zhenwu.urls  # noqa: F401  (registers every resource)
from zhenwu.core.registry import Resource, all_resources, resource_by_key
from zhenwu.core.tables import CardLayout, Table
from zhenwu.projects.tests.factories import make_project


def test_default_layout_from_list_columns():
    layout = CardLayout(resource_by_key("projects"))
    assert layout.title == "name"
    assert layout.status == "status"
    assert layout.amount == "total_investment"
    assert "total_investment" not in layout.fields and "name" not in layout.fields
    assert len(layout.fields) <= 4
    layout = CardLayout(resource_by_key("investments"))
    assert (layout.status, layout.amount) == ("stage", "planned_total_wan")


def test_resource_may_name_its_card():
    from zhenwu.projects.models import Project

    r = Resource(
        model=Project,
        key="x",
        list_columns=["name", "status", "village", "deadline"],
        card_title="village",
        card_status="status",
        card_fields=["deadline"],
        card_amount="completed_investment",
    )
    layout = CardLayout(r)
    assert (layout.title, layout.fields, layout.amount) == (
        "village",
        ["deadline"],
        "completed_investment",
    )


def test_every_resource_has_a_card_layout():
    for r in all_resources():
        layout = CardLayout(r)
        assert layout.title, r.key
        assert len(layout.fields) <= 4 or r.card_fields is not None, r.key


def test_list_page_renders_cards_beside_the_table(world):
    p = make_project(world, world.villages[0], name="光大管道", total_investment=Decimal("95100"))
    html = world.client("admin").get("/projects/").content.decode()
    cards = html.split('data-testid="object-cards"', 1)[1]
    assert cards.count('data-testid="object-card"') == 1
    assert f'href="/projects/{p.pk}/"' in cards and "光大管道" in cards
    assert "9.51亿元" in cards and world.villages[0].name in cards
    assert "d-md-none" in html.split('data-testid="object-cards"', 1)[0][-80:]
    # the desk table is hidden on a phone, the cards on a desk
    assert re.search(r'class="table-responsive d-none d-md-block"', html)


def test_cards_mask_personal_numbers(world):
    from zhenwu.core.models import Department

    Department.objects.create(town=world.town, name="招商办", head="张三", phone="13900000001")
    r = resource_by_key("departments")
    r_cards = list(
        Table(
            Resource(
                model=r.model,
                key="departments-test",
                list_columns=["name", "head", "phone"],
                personal_fields=("phone",),
            ),
            world.users["staff"],
            rows=list(r.model.objects.filter(town=world.town)),
        ).cards()
    )
    texts = " ".join(t for c in r_cards for _, t in c["fields"])
    assert "13900000001" not in texts and "139****0001" in texts


def test_htmx_list_refresh_brings_cards_too(world):
    make_project(world, name="光大管道")
    r = world.client("admin").get("/projects/?q=光大", HTTP_HX_REQUEST="true")
    assert 'data-testid="object-cards"' in r.content.decode()


def test_no_card_says_its_title_twice():
    """A card's title names the record; its fields never repeat it — neither the title's own
    column nor the record's name column (「002 罗春生」 under the title 「罗春生」)."""
    for r in all_resources():
        layout = CardLayout(r)
        assert layout.title not in layout.fields, r.key
        assert "record_label" not in layout.fields, r.key
