"""HTML and Markdown become blocks; scripts are left out, text is not."""

from pathlib import Path

import pytest

from workbench.errors import InputError
from workbench.ingest.parse import format_of, parse_html, parse_markdown


def test_html_blocks_title_and_kinds():
    html = """<html><head><title>Kim et Poutine</title><script>alert("x")</script></head>
    <body><nav>Accueil / Monde / Asie</nav><h1>Kim et <b>Poutine</b> se rencontreront</h1>
    <p>Le dirigeant <a href="#">nord-coréen</a> Kim Jong Un prévoit de se rendre en Russie.<br>
    Selon le <i>New York Times</i>.</p>
    <figure><img src="a.jpg" alt="Kim Jong Un"><figcaption>Image : AP/picture alliance</figcaption></figure>
    <ul><li>Direct : la guerre en Ukraine</li></ul><style>p {color: red}</style></body></html>"""
    parsed = parse_html(html)
    assert parsed.title == "Kim et Poutine"
    assert [(b.text, b.kind) for b in parsed.blocks] == [
        ("Accueil / Monde / Asie", "text"),
        ("Kim et Poutine se rencontreront", "heading"),
        ("Le dirigeant nord-coréen Kim Jong Un prévoit de se rendre en Russie.", "text"),
        ("Selon le New York Times.", "text"),
        ("Kim Jong Un", "caption"),
        ("Image : AP/picture alliance", "caption"),
        ("Direct : la guerre en Ukraine", "item"),
    ]
    assert not any("alert" in b.text or "color" in b.text for b in parsed.blocks)


def test_markdown():
    parsed = parse_markdown("# Menacé de sanctions\n\nIl a *demandé* à [Pyongyang](http://x) "
                            "de cesser.\n\n- premier point\n- second point\n")
    assert parsed.title == "Menacé de sanctions"
    assert [b.text for b in parsed.blocks] == [
        "Menacé de sanctions", "Il a demandé à Pyongyang de cesser.", "premier point",
        "second point"]


@pytest.mark.parametrize(("name", "fmt"), [("a.txt", "text"), ("b.MD", "markdown"),
                                           ("c.htm", "html"), ("d.html", "html")])
def test_format_of(name, fmt):
    assert format_of(Path(name)) == fmt


def test_format_of_unknown():
    with pytest.raises(InputError, match="unsupported file type .pdf"):
        format_of(Path("x.pdf"))
