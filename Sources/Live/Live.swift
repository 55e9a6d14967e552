// `Live` target; see DESIGN.md.
