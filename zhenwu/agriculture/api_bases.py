"""API of the bases half."""

from ninja import Router

router = Router()
