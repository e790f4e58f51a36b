"""Stores as the core knows them: a code, a direction, an API key and the active configuration."""
