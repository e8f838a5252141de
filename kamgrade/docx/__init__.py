"""The .docx reader, one module per concern (the façade is `kamgrade.reader.read_submission`).

- `package`: OPC content types and relationships, the main part, Strict -> Transitional names.
- `styles`: style ids -> names, basedOn inheritance, outline levels.
- `numbering`: automatic numbering labels ("1.", "II.", "a)", bullets).
- `body`: the walker producing `Paragraph`, `Table` and `Figure` blocks.
- `notes`: footnotes, endnotes, comments, headers and footers, kept apart from the body.
- `diagrams`: SmartArt node text.  `altchunk`: imported HTML/MHT/text chunks.
- `properties`: docProps core (title, author) and app (application, pages).
"""
