// `Ingest` target; see DESIGN.md.
