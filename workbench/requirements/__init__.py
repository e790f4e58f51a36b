"""Requirements of a project (REQ-n), their fit/gap classification and links to process steps."""
