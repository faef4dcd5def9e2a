"""Sections of the dashboard and the monthly report that the reports app writes itself.

Every module here is imported by `reports.registry.autodiscover()`; each registers its sections.
"""
