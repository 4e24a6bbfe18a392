"""What the open platform answers: an employee's current status, the platform's public key."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel


class EmployeeStatus(BaseModel):
    """An employee of the calling app's enterprise, masked, with each insurance type's status this month
    (1 enrolled, 2 suspended, 4 stopped)."""

    psn_no: str
    psn_name: str
    certno: str
    emp_no: str
    month: dt.date
    psn_insu_stas: dict[str, str]


class ServerKey(BaseModel):
    """The platform's SM2 public key (``04 ‖ x ‖ y`` hex) that signs answers to SM2-SM3 apps."""

    profile: str
    public_key: str
    user_id: str
