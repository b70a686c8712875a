"""TBX import/export: round trip, older TBX layout, and hostile files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from workbench.errors import FormatError, GlossaryError
from workbench.glossary import Glossary
from workbench.glossary.tbx import TBX_NS, load_tbx, read_tbx, save_tbx, to_tbx


def test_round_trip_keeps_everything(tmp_path: Path, small: Glossary, seeds_glossary: Glossary) -> None:
    for g in (small, seeds_glossary):
        path = save_tbx(g, tmp_path / "g.tbx")
        again, notices = read_tbx(path)
        assert notices == []
        assert again.terms() == g.terms()  # concept, lang, text, status, note, in order
        assert again.hash == g.hash


def test_export_is_tbx_2019_basic(small: Glossary) -> None:
    root = etree.fromstring(to_tbx(small))
    assert root.tag == f"{{{TBX_NS}}}tbx" and root.get("type") == "TBX-Basic" and root.get("style") == "dca"
    ns = {"t": TBX_NS}
    entry = root.find(".//t:conceptEntry[@id='shoigu-full']", ns)
    fr = entry.find("t:langSec[@{http://www.w3.org/XML/1998/namespace}lang='fr']", ns)
    statuses = [(ts.findtext("t:term", namespaces=ns), ts.findtext("t:termNote", namespaces=ns))
                for ts in fr.findall("t:termSec", ns)]
    assert statuses == [("Sergueï Choïgou", "preferredTerm-admn-sts"), ("Sergueï Choïgu", "admittedTerm-admn-sts")]
    assert small.hash in root.findtext(".//t:sourceDesc/t:p", namespaces=ns)


OLD_TBX = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE martif SYSTEM "TBXcoreStructV02.dtd">
<martif type="TBX-Basic" xml:lang="en-US">
 <text><body>
  <termEntry id="pyongyang">
   <langSet xml:lang="fr-FR"><tig><term>Pyongyang</term></tig></langSet>
   <langSet xml:lang="de"><ntig><termGrp><term>Pjöngjang</term>
     <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termGrp></ntig>
     <tig><term>Pyongyang</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
   </langSet>
  </termEntry>
  <termEntry>
   <langSet xml:lang="en"><tig><term>Kremlin</term><note>place</note></tig></langSet>
  </termEntry>
 </body></text>
</martif>
"""


def test_imports_tbx_2008_with_notices(tmp_path: Path) -> None:
    path = tmp_path / "old.tbx"
    path.write_text(OLD_TBX, encoding="utf-8")
    g, notices = read_tbx(path)
    assert g.apply("Pyongyang", "de") == "Pjöngjang"
    assert g.concepts["pyongyang"].preferred("fr").text == "Pyongyang"  # single term: preferred
    assert g.concepts["tbx-2"].preferred("en").note == "place"
    assert any("tbx-2" in n for n in notices)
    assert any("'fr-FR' read as 'fr'" in n for n in notices)


def test_invalid_tbx_content_reports_lines(tmp_path: Path) -> None:
    path = tmp_path / "bad.tbx"
    path.write_text("""<tbx xmlns="urn:iso:std:iso:30042:ed-2"><text><body>
<conceptEntry id="k"><langSec xml:lang="fr">
<termSec><term>Kim</term></termSec>
<termSec><term>Kim Jong-un</term></termSec>
</langSec></conceptEntry></body></text></tbx>""", encoding="utf-8")
    with pytest.raises(GlossaryError, match=r"bad\.tbx:3: concept 'k' has no preferred form in 'fr'"):
        load_tbx(path)


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE tbx [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<tbx><text><body><conceptEntry id="x"><langSec xml:lang="fr">
<termSec><term>&lol9;</term></termSec></langSec></conceptEntry></body></text></tbx>
"""


def _xxe(target: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY xxe SYSTEM "file://{target}">]>
<tbx><text><body><conceptEntry id="x"><langSec xml:lang="fr">
<termSec><term>&xxe;</term></termSec></langSec></conceptEntry></body></text></tbx>
"""


def _parameter_entity(target: Path) -> str:
    return f"""<?xml version="1.0"?>
<!DOCTYPE tbx [<!ENTITY % remote SYSTEM "file://{target}"> %remote;]>
<tbx><text><body/></text></tbx>
"""


@pytest.mark.parametrize("make", [lambda t: BILLION_LAUGHS, _xxe, _parameter_entity,
                                  lambda t: _xxe(t).replace("file://", "http://127.0.0.1:9")])
def test_hostile_tbx_is_refused_without_reading_files(tmp_path: Path, make) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    path = tmp_path / "hostile.tbx"
    path.write_text(make(secret), encoding="utf-8")
    before = secret.stat().st_atime_ns
    with pytest.raises(FormatError) as err:
        load_tbx(path)
    assert "TOP-SECRET" not in str(err.value)
    assert "refused" in str(err.value) or "not well-formed" in str(err.value)
    assert secret.stat().st_atime_ns == before


@pytest.mark.parametrize(("text", "fragment"), [
    ("<tbx><text><body>", "not well-formed"),
    ("<html><body>hello</body></html>", "not <tbx> or <martif>"),
    ("<tbx><text><body/></text></tbx>", "no conceptEntry"),
])
def test_malformed_tbx(tmp_path: Path, text: str, fragment: str) -> None:
    path = tmp_path / "m.tbx"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FormatError, match=fragment):
        load_tbx(path)
