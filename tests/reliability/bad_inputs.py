"""The bad inputs of issue 8, as bytes, shared by the reliability tests.

Each is a short real-looking news line (French, Arabic, emoji) damaged or
dressed the way files arrive from scrapers, spreadsheets and other machines.
"""

import gzip

FR = "Sergueï Choïgu s'est rendu à Pyongyang fin juillet. Kim Jong Un l'a reçu."
ARABIC = ("قال المتحدث باسم البيت الأبيض إن روسيا تسعى للحصول على ذخيرة. "
          "وأضاف أن المحادثات مستمرة.")
EMOJI = "La famille 👨‍👩‍👧‍👦 est arrivée à Moscou. Le drapeau 🏳️‍🌈 flotte."
LONG_WORD = "a" * 5000
MB_LINE = " ".join(["mot"] * 250_000)  # ~1 MB, no sentence end anywhere

INPUTS: dict[str, bytes] = {
    "empty": b"",
    "whitespace": b"  \n\t \r\n",
    "png": b"\x89PNG\r\n\x1a\n" + bytes(range(256)),
    "gzip": gzip.compress(FR.encode(), mtime=0),
    "utf16-bom": FR.encode("utf-16"),
    "utf8-bom": b"\xef\xbb\xbf" + FR.encode(),
    "latin1": "Le ministre a été reçu à Pyongyang.".encode("latin-1"),
    "invalid-utf8": b"Caf\xe9 \xff\xfe cr\xe8me. " + FR.encode(),
    "nul": b"texte\x00binaire",
    "crlf": FR.replace(". ", ".\r\n").encode() + b"\r\n",
    "lone-cr": "Le Kremlin dément.\rMoscou répond.\r".encode(),
    "html-script": b"<p>Bonjour.</p><script>alert('x')</script><p>Fin du texte.</p>",
    "arabic-rtl": ARABIC.encode(),
    "emoji-zwj": EMOJI.encode(),
    "word-5000": (LONG_WORD + " est un mot. Fin.").encode(),
    "line-1mb": MB_LINE.encode(),
}

#: A glossary that touches the lines above: a variant to rewrite in FR.
GLOSSARY = """concept,lang,term,status,note
shoigu,fr,Sergueï Choïgou,preferred,
shoigu,fr,Sergueï Choïgu,variant,
shoigu,en,Sergei Shoigu,preferred,
kim,fr,Kim Jong-un,preferred,
kim,en,Kim Jong Un,preferred,
"""


def no_space(text: str) -> str:
    """``text`` without any whitespace: what segmentation must keep exactly."""
    return "".join(text.split())
