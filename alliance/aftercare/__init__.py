"""After treatment: follow-up check-ins at set months, deterioration alerts and booster-session requests."""
