"""Verification of issued certificates: public checks, QR pages, bulk checks, share links, the check log."""
