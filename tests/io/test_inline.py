"""The inline-code representation (workbench.io.inline) that XLIFF 1.2 and TMX share."""

from __future__ import annotations

from lxml import etree

from workbench.io import inline

NS = "urn:oasis:names:tc:xliff:document:1.2"
READER = dict(wrapping=frozenset({"g", "mrk"}), opening=frozenset({"bpt", "bx"}),
              closing=frozenset({"ept", "ex"}))


def _read(xml: str) -> tuple[list[str], inline.CodeReader]:
    root = etree.fromstring(f'<u xmlns="{NS}" xmlns:t="urn:tool">{xml}</u>')
    reader = inline.CodeReader(**READER)
    return [reader.read(e) for e in root], reader


def test_codes_become_two_private_use_characters_and_come_back():
    (src, tgt), reader = _read(
        '<source>Press <g id="1" ctype="bold">Save <x id="2" t:k="v"/></g> now'
        '<bpt id="3">&lt;i&gt;</bpt>x<ept id="3">&lt;/i&gt;</ept>.</source>'
        '<target>Appuyez <g id="1" ctype="bold">Enr. <x id="2" t:k="v"/></g>'
        '<bpt id="3">&lt;i&gt;</bpt>x<ept id="3">&lt;/i&gt;</ept>.</target>')
    codes = tuple(reader.codes)
    assert inline.plain(src) == "Press Save  nowx." and len(src) == len(inline.plain(src)) + 10
    assert inline.display(src, codes) == "Press ⟦1⟧Save ⟦2/⟧⟦/1⟧ now⟦3⟧x⟦/3⟧."
    assert len(codes) == 5 and inline.indexes(tgt) == inline.indexes(src)  # shared entries
    assert inline.loads(inline.dumps(codes)) == codes
    out = etree.Element("{%s}target" % NS, nsmap={None: NS})
    assert inline.write_inline(out, tgt, codes) == 0
    original = etree.fromstring(f'<u xmlns="{NS}" xmlns:t="urn:tool"><target>Appuyez <g id="1" '
                                'ctype="bold">Enr. <x id="2" t:k="v"/></g><bpt id="3">&lt;i&gt;'
                                '</bpt>x<ept id="3">&lt;/i&gt;</ept>.</target></u>')[0]
    c14n = dict(method="c14n", exclusive=True)
    assert etree.tostring(out, **c14n) == etree.tostring(original, **c14n)


def test_broken_text_is_repaired_on_writing_and_counted():
    (src,), reader = _read('<source>a <g id="1">b</g> c</source>')
    codes = tuple(reader.codes)
    close_first = inline.placeholder("close", 1) + "b" + inline.placeholder("open", 0) + "c"
    out = etree.Element("t")
    assert inline.write_inline(out, close_first, codes) == 2  # stray close, unclosed open
    assert "".join(out.itertext()) == "bc"


def test_remap_renumbers_a_files_codes_to_the_stored_ones_and_adds_new_ones():
    (stored_src,), stored = _read('<source><x id="1"/>a<g id="2">b</g></source>')
    (src, tgt), other = _read('<source><x id="9"/></source>'
                              '<target><g id="2">B</g>A<x id="1"/><x id="9"/></target>')
    texts, merged = inline.remap([tgt], other.codes, stored.codes)
    assert len(merged) == len(stored.codes) + 1 and merged[:3] == tuple(stored.codes)
    assert inline.display(texts[0], merged) == "⟦2⟧B⟦/2⟧A⟦1/⟧⟦3/⟧"
