import gzip

import pytest

from toolkit.errors import InputError
from toolkit.text.manpage import (find_manpages, manpage_id, manpage_paragraphs, page_kind, read_manpage,
                                  render, special_character, split_arguments)

PAGE = r""".\" Copyright notice: not text
'\" t
.TH LS 1 "2022" "GNU" "User Commands"
.de XX
Macro body is not text.
..
.SH NAME
ls, dir \- list directory contents
.SH SYNOPSIS
.B ls
[\fIOPTION\fR]... [\fIFILE\fR]...
.SH DESCRIPTION
List information about the \fBFILE\fPs (the current
directory by default).  Sorts \f(CWentries\fP \[em] \(lqalphabetically\(rq.
.PP
Use \-\-all \e or \%not; it\(aqs \*(lqfine\*(rq.
.TP
\fB\-a\fR, \fB\-\-all\fR
do not ignore entries starting with .
.IP \(bu 2
A bullet item, see
.BR ls (1)
and
.I "two words" here.
.nf
code line one
code line two
.fi
.EX
$ ls -l
.EE
.if n \{\
Conditional text is dropped.
.\}
.ie t .ds X tt
.el .ds X nn
Caf\('e na\[:i]ve \[u00E9]t\[char233] w\c
ord end.
.SS "A subsection"
.UR https://example.org
The link text
.UE .
.SH "SEE ALSO"
.BR dir (1)
"""


def test_manpage_paragraphs_known_answer():
    assert manpage_paragraphs(PAGE) == [
        "list directory contents",
        "List information about the FILEs (the current directory by default). Sorts entries \u2014 "
        "\u201calphabetically\u201d.",
        "Use --all \\ or not; it's \u201cfine\u201d.",
        "do not ignore entries starting with .",
        "A bullet item, see ls(1) and two words here.",
        "Caf\u00e9 na\u00efve \u00e9t\u00e9 word end.",
        "The link text.",
    ]


def test_render_escapes_and_arguments():
    assert render(r"a\ b\~c\-d\&e\|f\s-1small\s0\fB\f[I]x\fP\c") == ("a b c-defsmallx", True)
    assert render(r"x\cy") == ("xy", False)
    assert render(r"text \" comment") == ("text ", False)
    assert render(r"\*(C+ and \w'abc'width \h'1n'") == ("C++ and width ", False)
    assert special_character("u0065_0301") == "\u00e9" and special_character("nonesuch") == ""
    assert split_arguments(r'"a b" c\ d "say ""hi"""') == ["a b", r"c\ d", 'say "hi"']


def test_page_kinds_and_ids(tmp_path):
    assert page_kind('.\\" c\n.so man1/ls.1\n') == "so"
    assert page_kind(".Dd $Mdocdate$\n.Dt FOO 1\n") == "mdoc"
    assert page_kind(PAGE) == "man"
    en = tmp_path / "man" / "man1"
    fr = tmp_path / "man" / "fr" / "man1"
    for d in (en, fr):
        d.mkdir(parents=True)
        with gzip.open(d / "ls.1.gz", "wt", encoding="utf-8") as f:
            f.write(PAGE)
    (tmp_path / "man" / "man8").mkdir()
    (tmp_path / "man" / "man8" / "ip.8").write_text(".TH IP 8\n")
    assert manpage_id(fr / "ls.1.gz") == manpage_id(en / "ls.1.gz") == "man1/ls.1"
    assert [i for i, _ in find_manpages(tmp_path, "fr")] == ["man1/ls.1"]
    assert [(i, p) for i, p in find_manpages(tmp_path, "en")] == [("man1/ls.1", en / "ls.1.gz"),
                                                                   ("man8/ip.8", tmp_path / "man" / "man8" / "ip.8")]
    assert read_manpage(fr / "ls.1.gz") == PAGE
    (tmp_path / "latin.1").write_bytes("caf\u00e9\n".encode("latin-1"))
    assert read_manpage(tmp_path / "latin.1") == "caf\u00e9\n"


def test_unreadable_gzip_names_the_file(tmp_path):
    bad = tmp_path / "bad.1.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(InputError, match="bad.1.gz: cannot read man page"):
        read_manpage(bad)
