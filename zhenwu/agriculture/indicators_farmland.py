"""Indicators of the farmland half."""
