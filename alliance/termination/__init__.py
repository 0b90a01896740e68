"""The end of treatment: readiness review, termination summary (clinician and client versions) and the relapse-prevention plan."""
