"""What reaches the terminal is text, never instructions to it.

Every value the command line prints (query cells, names, scopes, reasons, file names, error
messages, the text dossier) goes through :func:`inert`: control and escape characters — C0 and C1
controls (ESC starts the terminal's escape sequences: titles, colours, clearing, hyperlinks), DEL,
format characters (bidi overrides and isolates, zero-width characters), line and paragraph
separators and lone surrogates (undecodable file names) — are shown as escapes (``\\x1b``,
``\\u202e``), so a value can neither drive the terminal nor hide or reorder what is around it.
Tables are built from :class:`rich.text.Text` (:func:`text`), never from strings that rich would read
as markup: ``杭州[/]金融有限公司`` and ``[link=…]张三[/link]`` are shown as they are written.
"""

import unicodedata

import click
from rich.text import Text

UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}
_SAFE_CACHE: dict[str, bool] = {}


def is_unsafe(char: str) -> bool:
    """True for a character a terminal may act on or that hides text: controls, format, separators, surrogates."""
    unsafe = _SAFE_CACHE.get(char)
    if unsafe is None:
        unsafe = _SAFE_CACHE.setdefault(char, unicodedata.category(char) in UNSAFE_CATEGORIES)
    return unsafe


def escaped(char: str) -> str:
    """The visible escape of one unsafe character: \\n, \\x1b, \\u202e, \\U000e0020."""
    code = ord(char)
    return NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000
                               else f"\\U{code:08x}")


def inert_offsets(value) -> tuple[str, list[int]]:
    """(the inert text of ``value``, where each original character starts in it): ``offsets[i]`` is the
    position of character ``i``, ``offsets[len]`` the end, so spans into the value map onto the text."""
    source = "" if value is None else str(value)
    pieces, offsets, at = [], [], 0
    for char in source:
        offsets.append(at)
        piece = escaped(char) if is_unsafe(char) else char
        pieces.append(piece)
        at += len(piece)
    offsets.append(at)
    return "".join(pieces), offsets


def inert(value) -> str:
    """``value`` as text that is safe to print: every control, escape and format character shown escaped
    (None is the empty string)."""
    source = "" if value is None else str(value)
    if source.isprintable():  # no Cc, Cf, Cs, Zl or Zp character (nor Co, Cn, Zs but the space): nothing to escape
        return source
    if not any(is_unsafe(char) for char in source):
        return source
    return inert_offsets(source)[0]


def inert_lines(document: str) -> str:
    """A multi-line document (the text dossier) made inert line by line: its line breaks stay, every
    other control character in it is shown escaped."""
    return "\n".join(inert(line) for line in document.split("\n"))


def text(value, style: str = "") -> Text:
    """A rich Text of the inert value: rendered as written, never read as markup or emoji codes."""
    return Text(inert(value), style=style)


def echo(message, err: bool = False, nl: bool = True) -> None:
    """``click.echo`` of an inert message (its line breaks kept): every plain line the commands print."""
    click.echo(inert_lines("" if message is None else str(message)), err=err, nl=nl)
