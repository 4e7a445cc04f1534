"""Demo: plots, a year of patrols with findings and rectifications, the 2025 高标准农田 project."""
