"""Where each metadata field comes from: trafilatura's metadata steps over the parsed tree
(`page_metadata`: title, date, site, description, image...), the page's JSON-LD authorship
(`linked_data`), the title and author a reader sees (`title_author`), and the text's language
when the page declares none (`language`)."""
