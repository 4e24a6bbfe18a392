"""Money (yuan, 2 decimals) and Ratio (4 decimals) as distinct types over ``Decimal``.

A ratio is not an amount: ``Money + Ratio`` is refused by mypy (the operators are typed for ``Money`` only) and
raises ``TypeError`` at run time. The one bridge is ``Money * Ratio → Money`` (rounded half up to the cent).
Amounts are never floats: a float is refused, because ``0.1`` has no exact binary value.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final

CENT: Final = Decimal("0.01")
RATIO_STEP: Final = Decimal("0.0001")
_ONE: Final = Decimal(1)


def _to_decimal(value: object, kind: str) -> Decimal:
    if type(value) is Decimal and value.is_finite():
        return value
    if isinstance(value, bool | float):
        raise TypeError(f"{kind} needs a Decimal, an int or a numeric string, not {type(value).__name__}")
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int | str):
        try:
            number = Decimal(value.strip() if isinstance(value, str) else value)
        except InvalidOperation:
            raise ValueError(f"{kind}: {value!r} is not a number") from None
    else:
        raise TypeError(f"{kind} needs a Decimal, an int or a numeric string, not {type(value).__name__}")
    if not number.is_finite():
        raise ValueError(f"{kind}: {value!r} is not a finite number")
    return number


class Money:
    """An amount in yuan, exactly two decimals (rounded half up when made)."""

    __slots__ = ("amount",)
    amount: Decimal

    def __init__(self, value: Decimal | int | str) -> None:
        number = _to_decimal(value, "Money")
        object.__setattr__(self, "amount", number.quantize(CENT, rounding=ROUND_HALF_UP))

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Money is immutable")

    @classmethod
    def _exact(cls, amount: Decimal) -> Money:
        """A Money from a Decimal that already has at most two decimals (sums and differences of Money)."""
        money = object.__new__(cls)
        object.__setattr__(money, "amount", amount)
        return money

    @classmethod
    def zero(cls) -> Money:
        return _ZERO

    @classmethod
    def sum(cls, amounts: Iterable[Money]) -> Money:
        total = Decimal("0.00")
        for amount in amounts:
            if not isinstance(amount, Money):
                raise TypeError(f"Money.sum adds Money only, not {type(amount).__name__}")
            total += amount.amount
        return Money._exact(total)

    def __add__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"Money can only be added to Money, not {type(other).__name__}")
        return Money._exact(self.amount + other.amount)

    def __sub__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"only Money can be subtracted from Money, not {type(other).__name__}")
        return Money._exact(self.amount - other.amount)

    def __mul__(self, other: Ratio | int) -> Money:
        if isinstance(other, Ratio):
            return Money(self.amount * other.value)
        if isinstance(other, int) and not isinstance(other, bool):
            return Money(self.amount * other)
        raise TypeError(f"Money can be multiplied by a Ratio or an int, not {type(other).__name__}")

    def __rmul__(self, other: Ratio | int) -> Money:
        return self.__mul__(other)

    def __neg__(self) -> Money:
        return Money._exact(-self.amount)

    def divide_by(self, ratio: Ratio) -> Money:
        """The amount of which this is ``ratio`` (rounded to the cent); a zero ratio is an error."""
        if not isinstance(ratio, Ratio):
            raise TypeError(f"Money.divide_by takes a Ratio, not {type(ratio).__name__}")
        if ratio.value == 0:
            raise ZeroDivisionError("division of Money by a zero Ratio")
        return Money(self.amount / ratio.value)

    def _other(self, other: object) -> Decimal:
        if not isinstance(other, Money):
            raise TypeError(f"Money can only be compared with Money, not {type(other).__name__}")
        return other.amount

    def __lt__(self, other: Money) -> bool:
        return self.amount < self._other(other)

    def __le__(self, other: Money) -> bool:
        return self.amount <= self._other(other)

    def __gt__(self, other: Money) -> bool:
        return self.amount > self._other(other)

    def __ge__(self, other: Money) -> bool:
        return self.amount >= self._other(other)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Money) and self.amount == other.amount

    def __hash__(self) -> int:
        return hash(("Money", self.amount))

    def __bool__(self) -> bool:
        return self.amount != 0

    @property
    def is_negative(self) -> bool:
        return self.amount < 0

    def __repr__(self) -> str:
        return f"Money('{self.amount}')"

    def __str__(self) -> str:
        return str(self.amount)

    def yuan(self) -> str:
        """Chinese display: ``¥1,234.50``."""
        return f"{'-' if self.amount < 0 else ''}¥{abs(self.amount):,.2f}"


class Ratio:
    """A proportion, exactly four decimals, between 0 and 1 inclusive (e.g. the pooled fund's payment ratio)."""

    __slots__ = ("value",)
    value: Decimal

    def __init__(self, value: Decimal | int | str) -> None:
        number = _to_decimal(value, "Ratio").quantize(RATIO_STEP, rounding=ROUND_HALF_UP)
        if number < 0 or number > _ONE:
            raise ValueError(f"Ratio must lie between 0 and 1, got {value!r}")
        object.__setattr__(self, "value", number)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("Ratio is immutable")

    def complement(self) -> Ratio:
        """``1 - self``: the share left to someone else."""
        return Ratio(_ONE - self.value)

    def reduced_by_points(self, points: Ratio) -> Ratio:
        """This ratio lowered by percentage points (``0.9`` less ``0.1`` = ``0.8``), never below zero."""
        return Ratio(max(Decimal(0), self.value - points.value))

    def scaled(self, factor: Ratio) -> Ratio:
        """This ratio times another (``0.9`` paid at ``0.8`` of the normal ratio = ``0.72``)."""
        return Ratio(self.value * factor.value)

    def __mul__(self, other: Money) -> Money:
        if not isinstance(other, Money):
            raise TypeError(f"a Ratio can only scale Money, not {type(other).__name__}")
        return other * self

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Ratio) and self.value == other.value

    def __lt__(self, other: Ratio) -> bool:
        if not isinstance(other, Ratio):
            raise TypeError(f"a Ratio can only be compared with a Ratio, not {type(other).__name__}")
        return self.value < other.value

    def __hash__(self) -> int:
        return hash(("Ratio", self.value))

    def __repr__(self) -> str:
        return f"Ratio('{self.value}')"

    def __str__(self) -> str:
        return str(self.value)

    def percent(self) -> str:
        """Chinese display: ``85%`` / ``7.5%``."""
        shown = (self.value * 100).normalize()
        return f"{shown:f}%"


_ZERO: Final = Money(0)


def money_min(*amounts: Money) -> Money:
    return min(amounts, key=lambda m: m.amount)


def money_max(*amounts: Money) -> Money:
    return max(amounts, key=lambda m: m.amount)
