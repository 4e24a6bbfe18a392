"""Masking of phone and ID numbers in free text and log records, in every common written form (kit.masking)."""

from __future__ import annotations

import io
import logging
import re

import pytest

from cityservices.kit.masking import install_log_masking, mask_text

HIDDEN = re.compile(r"1234|0101|8000 ?0001|19900101")  # the middle digits of the numbers below
WRITTEN_FORMS = [
    "13812345678", "138 1234 5678", "138-1234-5678", "+86 138 1234 5678", "+86-138-1234-5678", "8613812345678",
    "%2B86%20138%201234%205678", "138%201234%205678", "138+1234+5678", "138%2D1234%2D5678",
    "\uff11\uff13\uff18\uff11\uff12\uff13\uff14\uff15\uff16\uff17\uff18", "138\u30001234\u30005678",
    "370202199001011234", "370202 19900101 1234", "370202-19900101-1234", "370202%2019900101%201234",
    "370202 1990 0101 123X", "37020219900101123x", "0532-80000001", "0532 8000 0001", "0532-8000-0001",
]  # fmt: skip


@pytest.mark.parametrize("written", WRITTEN_FORMS)
def test_every_written_form_is_masked_in_free_text(written: str) -> None:
    masked = mask_text(f"请回电 {written}，谢谢")
    assert not HIDDEN.search(masked), masked
    assert masked.startswith("请回电 ")
    assert masked.endswith("，谢谢")


@pytest.mark.parametrize("written", ["?phone=%2B86%20138%201234%205678&x=1", "q=370202%2019900101%201234",
                                     "a=x%3D13812345678", "tel=138+1234+5678"])  # fmt: skip
def test_numbers_inside_query_strings_are_masked(written: str) -> None:
    assert not HIDDEN.search(mask_text(written))


@pytest.mark.parametrize("ordinary", ["2026-12-07T06:27:11.123+00:00", '{"status": 200, "bytes": 1234, "pid": 4567}',
                                      "lat=36.0671&lng=120.3826", "V370202001", "第 2024 12 01 号"])  # fmt: skip
def test_ordinary_numbers_are_left_alone(ordinary: str) -> None:
    assert mask_text(ordinary) == ordinary


def test_masked_values_keep_their_ends() -> None:
    assert mask_text("138 1234 5678") == "138****5678"
    assert mask_text("+86 138-1234-5678") == "+86 138****5678"
    assert mask_text("370202 19900101 123X") == "3****************X"
    assert mask_text("0532 8000 0001") == "0532-****0001"


def _formatted(logger: logging.Logger, emit: object) -> str:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.propagate = False
    try:
        emit()  # type: ignore[operator]
    finally:
        logger.removeHandler(handler)
    return stream.getvalue()


def test_tracebacks_and_stacks_are_logged_masked() -> None:
    install_log_masking()
    logger = logging.getLogger("cityservices.test_masking")

    def fail() -> None:
        try:
            raise ValueError("bad contact 138 1234 5678 for 370202%2019900101%201234")
        except ValueError:
            logger.exception("saving %s failed", "+86 138-1234-5678")
        logger.warning("where 138-1234-5678 was", stack_info=True)

    text = _formatted(logger, fail)
    assert "Traceback" in text
    assert "ValueError: bad contact" in text
    assert "138****5678" in text
    assert not HIDDEN.search(text), text
