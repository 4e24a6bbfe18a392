"""Speech with espeak-ng (kit/speech.py): Mandarin WAV bytes; text that looks like an option is spoken, not
obeyed; an over-long text is cut."""

from __future__ import annotations

import pytest

from cityservices.kit import speech

pytestmark = pytest.mark.skipif(not speech.available(), reason="espeak-ng is not installed (.ci/run installs it)")


def test_mandarin_wav() -> None:
    audio = speech.speak_wav("您今年住院统筹基金还可支付一万元")
    assert audio[:4] == b"RIFF"
    assert audio[8:12] == b"WAVE"
    assert len(audio) > 10_000  # a second of speech at least, not an empty header


def test_text_is_never_an_option() -> None:
    spoken = speech.speak_wav("--version")
    assert spoken[:4] == b"RIFF"  # with the text on the command line, espeak-ng would print its version instead


def test_long_text_is_cut() -> None:
    short = speech.speak_wav("好" * speech.MAX_CHARS)
    longer = speech.speak_wav("好" * (speech.MAX_CHARS * 2))
    assert len(longer) == len(short)
