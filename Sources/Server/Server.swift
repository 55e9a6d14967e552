// `Server` target; see DESIGN.md.
