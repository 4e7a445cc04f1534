"""API of the farmland half."""

from ninja import Router

router = Router()
