"""Programme configuration: the document a client signs, its validation and its versions."""

from loyalty_core.config.schema import ProgramConfig, Promotion, Tier
from loyalty_core.config.validation import ConfigProblem, load_document, parse_config, validate_document

__all__ = [
    "ConfigProblem",
    "ProgramConfig",
    "Promotion",
    "Tier",
    "load_document",
    "parse_config",
    "validate_document",
]
