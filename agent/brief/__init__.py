"""The weekly segment brief (DESIGN.md §15): a YAML script of sections run as of one date, written as Markdown,
self-contained HTML and the §8 JSON, with charts, a snapshot for the next brief to diff against, and an
optional post to Slack.

``script`` loads and checks a brief script (errors name the line and section), ``periods`` turns "last full
week" into dates, ``runner`` runs the sections on one read of the shop as of the brief's date, ``charts``
draws the figures, ``outputs`` writes the files, and ``poster`` posts them.
"""
