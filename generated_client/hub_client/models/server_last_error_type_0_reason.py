from enum import StrEnum


class ServerLastErrorType0Reason(StrEnum):
    CANCELLED = "cancelled"
    ERROR = "error"
    HUB_PROCESS_LOST = "hub_process_lost"
    MACHINE_LOST = "machine_lost"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
