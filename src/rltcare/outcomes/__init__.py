"""Outcome analytics: CTCAE lab grading and cumulative incidence with competing risks."""
