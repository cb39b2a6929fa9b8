"""The corpus steps end to end on tiny hand-made catalogues and help pages: outputs, determinism, bad input."""
import filecmp
import json

import pytest

from toolkit import cli
from toolkit.bin import (
    clean_parallel_corpus,
    extract_gettext_pairs,
    extract_help_pairs,
    parallel_corpus_stats,
    select_heldout_pairs,
)
from toolkit.text.parallel import read_parallel_set

PO = '''msgid ""
msgstr "Content-Type: text/plain; charset=UTF-8\\n"

msgid "_Open the selected file"
msgstr "_Ouvrir le fichier sélectionné"

msgid "Choose a colour for the border of the cell."
msgstr "Choisissez une couleur pour la bordure de la cellule."

msgid "%s files"
msgstr "fichiers"
'''
PAGE = '<html><body><p id="par_id{i}">{text}</p></body></html>'
HELP = {
    "a.html": ("Choose a colour for the border of the cell.", "Choisissez une couleur pour la bordure de la cellule."),
    "b.html": ("Select the cells that you want to change.", "Sélectionnez les cellules à modifier."),
    "c.html": ("Click OK to close the dialog box.", "Cliquez sur OK pour fermer la boîte de dialogue."),
}


@pytest.fixture
def inputs(tmp_path, mo_bytes):
    (tmp_path / "app.po").write_text(PO, encoding="utf-8")
    (tmp_path / "ui.mo").write_bytes(mo_bytes([(b"", b"Content-Type: text/plain; charset=UTF-8\n"),
                                               (b"CTX\x04Pa~ges", b"Pa~ges"), (b"Print", b"Imprimer"),
                                               (b"Click OK to close the dialog box.", b"Cliquez sur OK.")]))
    (tmp_path / "catalogues.scp").write_text(f"ui:ui.mo {tmp_path}/ui.mo\napp:app.po {tmp_path}/app.po\n")
    for lang, side in (("en-US", 0), ("fr", 1)):
        for page, texts in HELP.items():
            (tmp_path / "help" / lang / "text").mkdir(parents=True, exist_ok=True)
            (tmp_path / "help" / lang / "text" / page).write_text(PAGE.format(i=1, text=texts[side]), encoding="utf-8")
    return tmp_path


def prepare(root, out):
    assert extract_gettext_pairs.main([f"{root}/catalogues.scp", f"{out}/gettext"]) == 0
    assert extract_help_pairs.main([f"{root}/help/en-US/text", f"{root}/help/fr/text", f"{out}/help"]) == 0
    assert select_heldout_pairs.main(["--sizes", "1,1", "--report", f"{out}/heldout.json", f"{out}/help", str(out)]) == 0
    assert clean_parallel_corpus.main(["--heldout", f"{out}/dev", "--heldout", f"{out}/test",
                                       "--report", f"{out}/train.json", f"{out}/gettext", f"{out}/train"]) == 0
    assert parallel_corpus_stats.main(["--json", f"{out}/stats.json", "--markdown", f"{out}/stats.md",
                                       f"{out}/train", f"{out}/dev", f"{out}/test"]) == 0


def test_pipeline_outputs(inputs):
    out = inputs / "data"
    prepare(inputs, out)
    gettext = read_parallel_set(out / "gettext", "en", "fr")
    assert list(gettext.triples()) == [
        ("Pages", "Pages", "ui:ui.mo"),  # .mo entries come sorted by key: "CTX\x04..." first
        ("Click OK to close the dialog box.", "Cliquez sur OK.", "ui:ui.mo"),
        ("Print", "Imprimer", "ui:ui.mo"),
        ("Open the selected file", "Ouvrir le fichier sélectionné", "app:app.po"),
        ("Choose a colour for the border of the cell.", "Choisissez une couleur pour la bordure de la cellule.",
         "app:app.po"),
        ("%s files", "fichiers", "app:app.po"),
    ]
    dev, test = read_parallel_set(out / "dev", "en", "fr"), read_parallel_set(out / "test", "en", "fr")
    assert len(dev) == len(test) == 1
    assert {dev.origin[0], test.origin[0]} < {f"libreoffice-help:{p}#par_id1" for p in HELP}
    train = read_parallel_set(out / "train", "en", "fr")
    held = set(dev.src + test.src)
    assert not held & set(train.src) and not set(dev.tgt + test.tgt) & set(train.tgt)
    assert ("%s files", "fichiers") not in zip(train.src, train.tgt)  # placeholder mismatch
    report = json.loads((out / "train.json").read_text())
    assert report["dropped"]["kept"] == len(train)
    assert report["dropped"]["placeholder_mismatch"] == 1
    assert report["dropped"]["heldout_overlap"] == 6 - 1 - len(train)
    stats = json.loads((out / "stats.json").read_text())
    assert stats["sets"]["train"]["pairs"] == len(train)
    assert "| train |" in (out / "stats.md").read_text()


def test_pipeline_is_deterministic(inputs):
    prepare(inputs, inputs / "run1")
    prepare(inputs, inputs / "run2")
    names = sorted(p.name for p in (inputs / "run1").iterdir())
    match, mismatch, errors = filecmp.cmpfiles(inputs / "run1", inputs / "run2", names, shallow=False)
    assert not mismatch and not errors and len(match) == len(names) > 10


def test_bad_prepared_sets_are_errors_naming_file_and_line(inputs, capsys):
    d = inputs / "bad"
    d.mkdir()
    (d / "x.en").write_text("one\ntwo\n")
    (d / "x.fr").write_text("un\n")
    assert cli.run(clean_parallel_corpus.main, [f"{d}/x", f"{d}/y"]) == 1
    assert f"{d}/x.fr" in capsys.readouterr().err
    (d / "x.fr").write_text("un\n\n")
    assert cli.run(clean_parallel_corpus.main, [f"{d}/x", f"{d}/y"]) == 1
    assert f"{d}/x.fr:2: empty line" in capsys.readouterr().err
    (d / "x.fr").write_text("un\ndeux\n")
    (d / "x.origin").write_text("o\n")
    assert cli.run(clean_parallel_corpus.main, [f"{d}/x", f"{d}/y"]) == 1
    assert f"{d}/x.origin" in capsys.readouterr().err


def test_bad_catalogue_is_an_error_naming_it(inputs, capsys):
    (inputs / "bad.po").write_text('msgid "a"\nmsgstr "b\n', encoding="utf-8")
    (inputs / "bad.scp").write_text(f"bad {inputs}/bad.po\n")
    assert cli.run(extract_gettext_pairs.main, [f"{inputs}/bad.scp", f"{inputs}/out"]) == 1
    assert f"{inputs}/bad.po:2: unterminated" in capsys.readouterr().err
    assert not (inputs / "out.en").exists()
