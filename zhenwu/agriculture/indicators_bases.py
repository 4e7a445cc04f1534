"""Indicators of the bases half."""
