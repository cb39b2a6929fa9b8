from toolkit.text.corpus_stats import corpus_stats, origin_group, stats_markdown
from toolkit.text.parallel import ParallelSet


def test_corpus_stats_counts():
    data = ParallelSet(["Open the file", "Close"], ["Ouvrir le fichier", "Fermer la fenêtre maintenant"],
                       ["gimp-data:gimp20.mo", "django:django/conf/locale/fr/LC_MESSAGES/django.po"])
    s = corpus_stats(data)
    assert (s["pairs"], s["src_words"], s["tgt_words"]) == (2, 4, 7)
    assert (s["src_mean_words"], s["tgt_mean_words"]) == (2.0, 3.5)
    assert s["origins"] == {"django": 1, "gimp-data": 1}
    assert origin_group("libreoffice-help:a/b.html#par_id1") == "libreoffice-help"
    table = stats_markdown({"train": s}, "en", "fr")
    assert "| train | 2 | 4 | 7 | 2.00 | 3.50 |" in table
    assert "| django | 1 |" in table
