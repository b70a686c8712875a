"""Evaluation of the workbench's outputs against references (pure functions)."""
