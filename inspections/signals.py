"""Reactions to other apps' records (the maintenance plan follows its work orders; see maintenance.py)."""
