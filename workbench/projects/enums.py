from enum import IntEnum


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
