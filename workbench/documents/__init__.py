"""Documents handed to the client: the AS-IS and TO-BE descriptions of a project (DOCX)."""
