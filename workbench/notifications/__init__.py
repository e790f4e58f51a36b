"""Telling people that something waits for them: an in-app inbox, and email when MAIL_SERVER is set."""
