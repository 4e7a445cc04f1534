"""守粮安 resources: plots, patrols, findings, the high-standard farmland project."""
