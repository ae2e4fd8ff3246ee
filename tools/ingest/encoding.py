"""Which text encoding a file is in — decided from its bytes, or refused with a sentence when they cannot tell.

Order of evidence: a byte-order mark; valid UTF-8 (ASCII is UTF-8); then, for legacy encodings,
charset-normalizer on the lines that hold non-ASCII bytes (they carry all the signal), among the encodings
shops actually export (Windows code pages, Shift-JIS, GB18030, Big5, EUC-KR…). Windows-1252 is preferred
whenever it is among the equally plausible readings, because most legacy exports here come from Western
Excel. A file that is UTF-8 except for a few bytes is refused rather than decoded as Windows-1252 (which
would turn every "Müller" into "MÃ¼ller"), and so is a file whose bytes fit several encodings equally well.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tools.errors import UserError
from tools.ingest.settings import ENCODINGS_HINT

SAMPLE_BYTES = 64 * 1024
MAX_CHAOS = 0.3  # charset-normalizer's "mess" above which a reading is not plausible
TIE = 0.02  # readings this close in mess are equally plausible
WESTERN = {"cp1252", "latin_1", "iso8859_15", "iso8859_1", "windows-1252"}
WESTERN_MESS = 0.2  # Windows-1252 text this clean reads as a Western language (real mojibake scores 0.3+)
CANDIDATES = ["cp1252", "cp1250", "cp1251", "cp1253", "cp1254", "cp1255", "cp1256", "cp1257", "cp874",
              "koi8_r", "iso8859_2", "cp932", "euc_jp", "gb18030", "big5", "cp949"]
MIXED_CHECK_LINES = 20_000
MULTIBYTE = {"cp932", "euc_jp", "gb18030", "big5", "cp949"}
JAPANESE = {"cp932", "euc_jp"}
_KANA = re.compile("[\u3040-\u30ff]")
LANGUAGE_EVIDENCE = 0.3  # coherence of a real language in its code page (Thai 0.56; Korean read as Thai 0.13)
_NON_ASCII_LINE = re.compile(rb"[^\n]*[\x80-\xff][^\n]*")
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


@dataclass(frozen=True)
class Decoded:
    """The file's text and the encoding it was read with (shown in the ingest report)."""

    text: str
    encoding: str


def decode(path: Path, raw: bytes, wanted: str = "auto") -> Decoded:
    """Decode ``raw`` (the bytes of ``path``) strictly: every byte must belong to the chosen encoding."""
    if wanted != "auto":
        return Decoded(_strict(path, raw, wanted, "the encoding set in [ingest]"), wanted)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(_strict(path, raw, "utf-16", "its byte-order mark"), "utf-16")
    if raw.startswith(b"\xef\xbb\xbf"):
        return Decoded(_strict(path, raw[3:], "utf-8", "its byte-order mark"), "utf-8-sig")
    if (utf16 := _bomless_utf16(raw)) is not None:
        return Decoded(_strict(path, raw, utf16, "its layout"), utf16)
    try:
        return Decoded(raw.decode("utf-8"), "utf-8")
    except UnicodeDecodeError as exc:
        if _has_utf8_lines(raw):
            raise _mixed(path, raw, exc.start) from None
    encoding = _legacy_encoding(path, raw)
    return Decoded(_strict(path, raw, encoding, "detection"), encoding)


def is_utf16(raw: bytes) -> bool:
    """Whether ``raw`` is UTF-16 text (with or without a byte-order mark): its zero bytes are not binary."""
    return raw.startswith((b"\xff\xfe", b"\xfe\xff")) or _bomless_utf16(raw) is not None


def _bomless_utf16(raw: bytes) -> str | None:
    """UTF-16 without a byte-order mark shows as a zero byte beside every ASCII character."""
    head = raw[:2000]
    if len(head) < 8 or len(head) % 2:
        head = head[: len(head) - len(head) % 2]
    if len(head) < 8:
        return None
    if not any(head[1::2]) and all(head[0::2]):
        return "utf-16-le"
    if not any(head[0::2]) and all(head[1::2]):
        return "utf-16-be"
    return None


def _strict(path: Path, raw: bytes, encoding: str, why: str) -> str:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start:exc.end][:8]
        raise UserError(f"{path} line {line} has bytes that are not {encoding} ({bad!r}), although {why} says the "
                        f"file is {encoding}; save the file again as UTF-8 (or set encoding in [ingest] of "
                        "segment-agent.toml).") from None
    except LookupError:
        raise UserError(f"'{encoding}' is not a known text encoding; use one such as {ENCODINGS_HINT}.") from None


def _has_utf8_lines(raw: bytes) -> bool:
    """Whether some line with non-ASCII bytes is valid UTF-8 (and holds a multi-byte character): then a file
    that is not UTF-8 as a whole mixes encodings. Legacy text almost never makes a whole line valid UTF-8."""
    for number, match in enumerate(_NON_ASCII_LINE.finditer(raw)):
        if number >= MIXED_CHECK_LINES:
            return False
        line = match.group()
        if _UTF8_SEQUENCE.search(line):
            try:
                line.decode("utf-8")
                return True
            except UnicodeDecodeError:
                continue
    return False


def _mixed(path: Path, raw: bytes, position: int) -> UserError:
    line = raw.count(b"\n", 0, position) + 1
    start = raw.rfind(b"\n", 0, position) + 1
    context = raw[max(start, position - 20):position + 8]
    return UserError(
        f"{path} is UTF-8 except for line {line}, whose bytes are in another encoding ({context!r}); the row was "
        "probably pasted from another program: save the whole file again as UTF-8 and ingest it again.")


def _legacy_encoding(path: Path, raw: bytes) -> str:
    """The legacy encoding charset-normalizer finds most plausible, or a UserError when it cannot tell."""
    from charset_normalizer import from_bytes
    from charset_normalizer.md import mess_ratio

    sample = _sample(raw)
    try:
        if mess_ratio(sample.decode("cp1252")) <= WESTERN_MESS:
            return "cp1252"
    except UnicodeDecodeError:
        pass
    matches = [m for m in from_bytes(sample, cp_isolation=CANDIDATES, threshold=MAX_CHAOS)
               if m.chaos <= MAX_CHAOS]
    if not matches:
        raise UserError(f"{path} is not UTF-8 and its bytes do not read as any common text encoding; save it "
                        f"again as UTF-8 (or set encoding in [ingest] of segment-agent.toml, e.g. {ENCODINGS_HINT}).")
    best = min(matches, key=lambda m: (m.chaos, -m.coherence))
    plausible = [m for m in matches if m.chaos <= best.chaos + TIE]
    multibyte = [m for m in matches if m.encoding in MULTIBYTE]
    if multibyte and (best.encoding in MULTIBYTE or best.coherence < LANGUAGE_EVIDENCE):
        # A single-byte code page (Thai, Cyrillic…) reads any bytes; unless its reading is a recognisable
        # language, a multi-byte encoding that decodes every sampled line strictly is the stronger evidence.
        # Japanese text always has kana; a Japanese reading without any is Chinese or Korean bytes misread
        multibyte = [m for m in multibyte if m.encoding not in JAPANESE or _KANA.search(str(m))] or multibyte
        best = min(multibyte, key=lambda m: (m.chaos, -m.coherence))
        plausible = [m for m in multibyte if m.chaos <= best.chaos + TIE]
    if any(WESTERN & {name.lower() for name in m.could_be_from_charset} for m in plausible):
        return "cp1252"
    readings = {_non_ascii(sample, m.encoding) for m in plausible}
    rivals = [m for m in plausible if m.coherence >= best.coherence - TIE and m.encoding != best.encoding]
    if len(readings) > 1 and rivals:
        names = ", ".join(dict.fromkeys(m.encoding for m in [best, *rivals][:4]))
        raise UserError(f"{path} is not UTF-8 and its bytes read equally well as several encodings ({names}); save "
                        "it again as UTF-8, or set encoding in [ingest] of segment-agent.toml to the right one.")
    return best.encoding


def _sample(raw: bytes) -> bytes:
    """The lines holding non-ASCII bytes (up to SAMPLE_BYTES): ASCII lines read the same in every encoding."""
    lines: list[bytes] = []
    size = 0
    for match in _NON_ASCII_LINE.finditer(raw):
        lines.append(match.group())
        size += len(match.group()) + 1
        if size >= SAMPLE_BYTES:
            break
    return b"\n".join(lines) or raw[:SAMPLE_BYTES]


def _non_ascii(sample: bytes, encoding: str) -> str:
    try:
        return "".join(ch for ch in sample.decode(encoding) if ord(ch) > 127)
    except (UnicodeDecodeError, LookupError):
        return ""
