"""Append-only audit trail. Use ``alliance.audit.services.record``."""
