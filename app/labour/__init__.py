"""Seasonal labour scheduling, shared employment between firms, and weekend engineers (DOMAIN.md §13)."""
