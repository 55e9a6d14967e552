extension WebPage {
    /// The page's style sheet: one column of cards, readable on a phone, dark when the system is.
    static let style = #"""
        :root { color-scheme: light dark; --fg: #1b1f24; --muted: #57606a; --bg: #f6f8fa; --card: #ffffff;
          --line: #d0d7de; --accent: #0b6bcb; }
        @media (prefers-color-scheme: dark) {
          :root { --fg: #e6edf3; --muted: #9da7b3; --bg: #0d1117; --card: #161b22; --line: #30363d; --accent: #4ea1f3; }
        }
        * { box-sizing: border-box; }
        body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
          color: var(--fg); background: var(--bg); }
        header, main, #empty { max-width: 60rem; margin: 0 auto; padding: 0 1rem; }
        header { padding-top: 1rem; }
        h1 { font-size: 1.5rem; margin: 0.5rem 0 0; }
        #status { color: var(--muted); margin: 0.25rem 0 1rem; }
        #status.error { color: #cf222e; }
        .stream { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem;
          margin: 0 0 1rem; }
        .stream h2 { font-size: 2rem; line-height: 1.2; margin: 0; overflow-wrap: anywhere; }
        .stream .meta { color: var(--muted); margin: 0.25rem 0 0.75rem; }
        .stream video { display: block; width: 100%; max-height: 60vh; background: #000; border-radius: 4px; }
        .stream .note { margin: 0; padding: 0.75rem; border: 1px dashed var(--line); border-radius: 4px; }
        .urls { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 0.75rem; margin: 0.75rem 0 0; }
        .urls dt { font-weight: 600; }
        .urls dd { margin: 0; overflow-wrap: anywhere; font-family: ui-monospace, Menlo, Consolas, monospace;
          font-size: 0.9rem; }
        a { color: var(--accent); }
        pre { overflow-x: auto; padding: 0.75rem; background: var(--card); border: 1px solid var(--line);
          border-radius: 4px; }
        @media (max-width: 30rem) { .urls { grid-template-columns: 1fr; } .urls dd { margin-bottom: 0.5rem; } }
        """#
}
