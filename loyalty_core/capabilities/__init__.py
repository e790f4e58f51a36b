"""The capability catalogue: what the loyalty core does out of the box and which configuration
keys switch each behaviour on, assembled from the schema and the implementing code (see
`loyalty_core.capabilities.catalogue`)."""

from loyalty_core.capabilities.catalogue import (
    CONFIGURATION,
    STANDARD,
    Capability,
    CatalogueError,
    catalogue,
    config_key_paths,
    get_capability,
    to_json,
)

__all__ = [
    "CONFIGURATION",
    "STANDARD",
    "Capability",
    "CatalogueError",
    "catalogue",
    "config_key_paths",
    "get_capability",
    "to_json",
]
