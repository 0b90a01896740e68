"""Secure messages between a client and their clinician: not for emergencies."""
