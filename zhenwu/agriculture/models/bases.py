"""强特色: agricultural bases, their seasons and output."""

__all__: list[str] = []
