from enum import Enum, IntEnum


class Stage(IntEnum):
    """The six implementation stages of DESIGN.md."""

    analysis = 1
    adaptation = 2
    approval = 3
    build_and_test = 4
    pilot = 5
    rollout = 6

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize().replace("And", "&")


class ProjectRole(str, Enum):
    """A member's part in one project. What they may do there is their workbench role
    (consultant, approver, ...); the project role only says who manages the project's members."""

    lead = "lead"  # the consultant lead: adds and removes members
    member = "member"

    @property
    def label(self) -> str:
        return self.value.capitalize()
