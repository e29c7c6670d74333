"""Reporting: the funnel, the eight-grade ladder, employment rates with subsidy tiers, and the subsidy ledger."""
