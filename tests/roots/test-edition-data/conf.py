extensions = ["critical_edition"]
bibtex_bibfiles = ["refs.bib"]
bibtex_reference_style = "edition"
bibtex_default_style = "edition"
bibtex_cite_id = "bib-{key}"
myst_enable_extensions = ["colon_fence"]
nitpicky = True
# Hostile values in every field the metadata formats write.
project = 'Edition </script><script>alert(1)</script> "quoted" & <b>bold</b>'
copyright = "2026, Editors </script>"
version = release = "2.0"
edition_editors = 'Ed </script><!-- "x" & {y}'
edition_date = "2026-01-02"
edition_license = "https://creativecommons.org/licenses/by/4.0/"
edition_original = {
    "title": 'Paper </script><script>alert(1)</script> "q" & {brace} 100% #1',
    "authors": ["Ann O'Doe", 'Bo "B" </script>'],
    "venue": "Journal <i>x</i>",
    "date": "2020-11-10",
    "doi": "10.1234/x</script>",
    "url": "https://example.org/paper?a=1&b=2",
    "issn": "1234-5678",
    "keywords": ["not used"],
}
edition_index_documents = ["index", "text"]
