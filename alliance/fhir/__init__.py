"""FHIR R4 read, search and bulk export over Alliance's own records (docs/fhir.md)."""
