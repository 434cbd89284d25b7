"""HTML pages: trafilatura finds the article; the rest is listed as dropped."""

from wartui.ingest.clean import clean
from wartui.ingest.sources import read_path

PAGE = """<!doctype html><html><head><title>Clashes in Deir ez-Zor | Example News</title>
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2018-04-03"></head><body>
<nav class="breadcrumb"><a href="/">Home</a> / <a href="/news">News</a></nav>
<article><h1>Clashes in Deir ez-Zor</h1><p>By Jane Doe</p>
<p>Government forces advanced on the town of al-Mayadeen on Tuesday, according to activists
who spoke to reporters in the province.</p>
<h2>Evacuations</h2>
<p>About 1,065 militants and their families left Douma under a deal with Jaish al-Islam,
the state agency SANA said on Monday.</p></article>
<aside class="related"><h3>Related Articles</h3><ul><li><a href="/x">Another story from Idlib today</a></li></ul></aside>
<div id="comments" class="comments"><p>Great article, thanks for the coverage! - Bob</p></div>
<footer>Copyright 2018 Example News</footer></body></html>"""


def test_html_page_is_extracted_and_cleaned(tmp_path):
    path = tmp_path / "clashes.html"
    path.write_text(PAGE, encoding="utf-8")
    (record,) = read_path(path)
    assert record.kind == "html"
    article = clean(record)
    assert article.id == "clashes"
    assert article.title == "Clashes in Deir ez-Zor"
    assert article.date == "2018-04-03"
    assert article.author == "Jane Doe"
    assert article.paragraphs[0].startswith("Government forces advanced on the town of al-Mayadeen")
    assert any(p.startswith("About 1,065 militants") for p in article.paragraphs)
    body = article.body
    for chrome in ("Related Articles", "Great article", "Copyright 2018", "Home / News"):
        assert chrome not in body
    dropped = {d.text: d.reason for d in article.dropped}
    assert dropped["Great article, thanks for the coverage! - Bob"] == "comments"
    assert dropped["Copyright 2018 Example News"] == "footer"
    assert dropped["Another story from Idlib today"] == "related-links"


def test_garbage_html_does_not_crash(tmp_path):
    path = tmp_path / "junk.htm"
    path.write_text("<html><body><<<>>> <p>unclosed <div>text about Homs", encoding="utf-8")
    (record,) = read_path(path)
    article = clean(record)
    assert article.id == "junk"
