"""Tests of the people feature: registration, scope, records, photos, import and personal data at rest."""
