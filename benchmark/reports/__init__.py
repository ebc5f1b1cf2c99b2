"""What results become for people and CI: the ``leaderboard`` (Markdown, CSV, LaTeX,
JSON), the ``html`` report page, the regression gate (``check``) and its pytest plugin.
"""
