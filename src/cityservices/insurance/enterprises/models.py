"""The table of enterprises (units, 单位) that enrol employees in the employee insurance types."""

from __future__ import annotations

from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from cityservices.db import Base


class InsuranceEnterprise(Base):
    """A unit (单位) that enrols employees; ``uscc`` is its unified social credit code (GB 32100, checked)."""

    __tablename__ = "insurance_enterprises"

    emp_no: Mapped[str] = mapped_column(String(30), primary_key=True)
    emp_name: Mapped[str] = mapped_column(String(200))
    uscc: Mapped[str] = mapped_column(String(18), unique=True)
    admdvs: Mapped[str] = mapped_column(String(6))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)


__all__ = ["InsuranceEnterprise"]
