"""强特色 resources: bases and seasons."""
