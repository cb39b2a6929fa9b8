import shutil
import subprocess

import pytest

from toolkit.errors import InputError
from toolkit.text.gettext_catalog import (
    CatalogEntry,
    parse_mo,
    parse_po,
    read_catalog,
    read_mo,
    read_po,
)

HEADER = (b"", b"Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=2; plural=n > 1;\n")
MESSAGES = [
    HEADER,
    (b"Open", b"Ouvrir"),
    (b"FLD_DATE\x04Date (fixed)", "Date (fixée)".encode()),
    (b"%d file\x00%d files", b"%d fichier\x00%d fichiers"),
]


def as_dict(entries):
    return {(e.context, e.msgid): (e.msgstr, e.plural) for e in entries}


@pytest.mark.parametrize("big_endian", [False, True])
def test_mo_entries_context_and_plural(tmp_path, big_endian, mo_bytes):
    path = tmp_path / "x.mo"
    path.write_bytes(mo_bytes(MESSAGES, big_endian))
    assert as_dict(read_mo(path)) == {
        (None, "Open"): ("Ouvrir", False),
        ("FLD_DATE", "Date (fixed)"): ("Date (fixée)", False),
        (None, "%d file"): ("%d fichier", True),
    }


def test_mo_decodes_with_header_charset(mo_bytes):
    data = mo_bytes([(b"", b"Content-Type: text/plain; charset=ISO-8859-1\n"), (b"Yes", "Oui, très".encode("latin-1"))])
    assert [e.msgstr for e in parse_mo(data)] == ["Oui, très"]


def test_truncated_mo_is_an_input_error_naming_the_file(tmp_path, mo_bytes):
    path = tmp_path / "cut.mo"
    path.write_bytes(mo_bytes(MESSAGES)[:-10])
    with pytest.raises(InputError, match="truncated") as e:
        read_mo(path)
    assert str(path) in str(e.value)
    path.write_bytes(b"\x00" * 40)
    with pytest.raises(InputError, match="magic"):
        read_mo(path)
    path.write_bytes(b"\xde\x12\x04\x95")
    with pytest.raises(InputError, match="truncated"):
        read_mo(path)


PO = r'''# A comment
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\n"

#: src/a.c:1
msgctxt "menu"
msgid "Open"
msgstr "Ouvrir"

msgid ""
"A long "
"message\twith \"quotes\"\n"
msgstr "Un long message\tavec « guillemets »\n"

#, fuzzy, c-format
msgid "Guess"
msgstr "Devine"

msgid "Untranslated"
msgstr ""

msgid "%d file"
msgid_plural "%d files"
msgstr[0] "%d fichier"
msgstr[1] "%d fichiers"

msgid "Octal \101 and hex \x42"
msgstr "Octal \101 et hex \x42"

#~ msgid "Obsolete"
#~ msgstr "Obsolète"
'''


def test_po_entries():
    entries = parse_po(PO, "t.po")
    assert [(e.context, e.msgid, e.msgstr, e.fuzzy, e.plural) for e in entries] == [
        ("menu", "Open", "Ouvrir", False, False),
        (None, 'A long message\twith "quotes"\n', "Un long message\tavec « guillemets »\n", False, False),
        (None, "Guess", "Devine", True, False),
        (None, "Untranslated", "", False, False),
        (None, "%d file", "%d fichier", False, True),
        (None, "Octal A and hex B", "Octal A et hex B", False, False),
    ]
    assert [e.translated for e in entries] == [True, True, False, False, True, True]
    assert entries[0].line == 7


@pytest.mark.parametrize("text, line, message", [
    ('msgid "a"\nmsgstr "b\n', 2, "unterminated"),
    ('msgid "a"\nmsgstr "b" x\n', 2, "after the closing quote"),
    ('msgid "a"\nmsgstr "b"\nmsgfoo "c"\n', 3, "unknown keyword"),
    ('"orphan"\n', 1, "outside an entry"),
    ('msgstr "b"\n', 1, "before msgid"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', 1, "no msgstr\\[0\\]"),
    ('msgid "a"\n\nmsgid "b"\nmsgstr "c"\n', 3, "duplicate msgid"),
    ('msgid "a\\q"\nmsgstr "b"\n', 1, "unknown escape"),
])
def test_po_syntax_errors_name_file_and_line(text, line, message):
    with pytest.raises(InputError, match=message) as e:
        parse_po(text, "bad.po")
    assert e.value.path == "bad.po" and e.value.line == line


def test_po_charset_and_read_catalog_dispatch(tmp_path):
    path = tmp_path / "l1.po"
    path.write_bytes('msgid ""\nmsgstr "Content-Type: text/plain; charset=ISO-8859-1\\n"\n\nmsgid "Yes"\nmsgstr "Oui très"\n'
                     .encode("latin-1"))
    assert read_catalog(path) == [CatalogEntry("Yes", "Oui très", line=4)]
    with pytest.raises(InputError, match="not a gettext catalogue"):
        read_catalog(tmp_path / "x.txt")


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext's msgfmt is not installed")
def test_mo_compiled_by_msgfmt_agrees_with_po(tmp_path):
    po = tmp_path / "t.po"
    po.write_text(PO, encoding="utf-8")
    mo = tmp_path / "t.mo"
    subprocess.run(["msgfmt", "-o", str(mo), str(po)], check=True)
    from_po = {(e.context, e.msgid): (e.msgstr, e.plural) for e in read_po(po) if e.translated}
    assert as_dict(read_mo(mo)) == from_po
