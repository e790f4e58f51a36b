from enum import Enum


class VersionStatus(str, Enum):
    draft = "draft"
    approved = "approved"
