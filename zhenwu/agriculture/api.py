"""农业农村 under /api/v1/: `bases` (强特色) and `plots`, `patrols` (守粮安)."""

from ninja import Router

from zhenwu.agriculture.api_bases import router as bases_router
from zhenwu.agriculture.api_farmland import router as farmland_router

router = Router(tags=["农业农村"])
router.add_router("", bases_router)
router.add_router("", farmland_router)
