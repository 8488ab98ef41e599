"""What a command does, as library calls: crawl a profile (listings, whole texts, films' own
pages), run several under one lock, import files, reparse stored pages, find a person by name,
and read and write the config. The CLI calls one function here and prints what it returns."""
