"""强特色 API (mounted at /api/v1/): `bases` (area in 亩 as `area_mu`) and `seasons`
(output as typed and `output_kg`), plus the town's `crops` and `sales-channels`. Schemas are
derived from the models; writes go through `services_bases` (rules, warnings, change log),
every call through `restrict()`. (The labour module's training bases are `/training-bases`.)"""
# No `from __future__ import annotations`: django-ninja reads the annotations at runtime.

from ninja import Router

from zhenwu.agriculture import services_bases as services
from zhenwu.agriculture.models import Base, Crop, SalesChannel, Season
from zhenwu.core.api_base import crud_router, resolve_relations
from zhenwu.core.api_schemas import model_schemas

router = Router(tags=["农业农村"])


def _create_base(request, data):
    data = resolve_relations(request.auth, Base, data)
    return services.base_create(town=request.auth.town, data=data, acting_user=request.auth)


def _update_base(request, obj, data, version):
    data = resolve_relations(request.auth, Base, data, obj=obj)
    return services.base_update(obj, data=data, acting_user=request.auth, expected_version=version)


def _create_season(request, data):
    data = resolve_relations(request.auth, Season, data)
    base = data.pop("base")  # required by the schema (`base_id`), checked against the scope
    return services.season_create(base=base, data=data, acting_user=request.auth)


def _update_season(request, obj, data, version):
    data = resolve_relations(request.auth, Season, data, obj=obj)
    return services.season_update(
        obj, data=data, acting_user=request.auth, expected_version=version
    )


_base_out, _base_in, _base_patch = model_schemas(Base)
router.add_router(
    "/bases",
    crud_router(
        Base,
        out_schema=_base_out,
        in_schema=_base_in,
        patch_schema=_base_patch,
        tags=["农业农村"],
        create=_create_base,
        update=_update_base,
        filters={"crop": "crop_id", "village": "village_id"},
    ),
)

_season_out, _season_in, _season_patch = model_schemas(Season)
router.add_router(
    "/seasons",
    crud_router(
        Season,
        out_schema=_season_out,
        in_schema=_season_in,
        patch_schema=_season_patch,
        tags=["农业农村"],
        create=_create_season,
        update=_update_season,
        filters={"base": "base_id", "year": "year"},
    ),
)

for _model, _path in ((Crop, "/crops"), (SalesChannel, "/sales-channels")):
    _out, _in, _patch = model_schemas(_model)
    router.add_router(
        _path,
        crud_router(_model, out_schema=_out, in_schema=_in, patch_schema=_patch, tags=["农业农村"]),
    )
