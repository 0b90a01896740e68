"""Alliance: an open platform for the whole course of psychotherapy."""
