from enum import Enum


class Role(str, Enum):
    consultant = "consultant"
    approver = "approver"
    rollout_manager = "rollout_manager"
    admin = "admin"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


# Roles that may see members' phone numbers and emails (personal data).
PERSONAL_DATA_ROLES = frozenset({Role.admin, Role.rollout_manager})
