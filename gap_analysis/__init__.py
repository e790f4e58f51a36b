"""Requirements, fit/gap classification, modifications and traceability (the gap map issue)."""
