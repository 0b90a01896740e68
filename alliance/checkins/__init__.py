"""Between-session check-ins: mood 0-10, feelings, a short note, and their chart."""
