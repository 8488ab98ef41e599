"""The archive: its schema, the writer that turns parsed pages into rows, the read-only
reader, the record of runs, the lock that keeps two writers apart, raw pages, checkpoints and
tombstones. Knows nothing of the network or of any one site."""
