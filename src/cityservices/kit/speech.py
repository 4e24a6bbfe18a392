"""Speech from text with the system's espeak-ng (Debian package ``espeak-ng``), as WAV bytes.

The text goes to espeak-ng on its standard input, never on its command line, so no text can be read as an
option. Nothing is written to disk and nothing is cached: the caller decides what may be spoken.
"""

from __future__ import annotations

import shutil
import subprocess
from typing import Final

MANDARIN: Final = "cmn"
MAX_CHARS: Final = 600
TIMEOUT_S: Final = 20.0


class SpeechUnavailable(RuntimeError):
    """espeak-ng is not installed, or it failed."""


def available() -> bool:
    return shutil.which("espeak-ng") is not None


def speak_wav(text: str, *, voice: str = MANDARIN, words_per_minute: int = 160) -> bytes:
    """``text`` (cut to ``MAX_CHARS`` characters) spoken as a RIFF/WAV file."""
    program = shutil.which("espeak-ng")
    if program is None:
        raise SpeechUnavailable("espeak-ng is not installed")
    cleaned = " ".join(text.split())[:MAX_CHARS]
    try:
        done = subprocess.run(
            [program, "-v", voice, "-s", str(words_per_minute), "--stdout"],
            input=cleaned.encode("utf-8"),
            capture_output=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechUnavailable(str(exc)) from exc
    if done.returncode != 0 or not done.stdout.startswith(b"RIFF"):
        raise SpeechUnavailable(done.stderr.decode("utf-8", "replace")[:200])
    return done.stdout
