"""The Slack bot (DESIGN.md §14): the same agent as ``chat``, behind Slack Bolt for Python.

- ``config``: ``[slack]`` of segment-agent.toml and the tokens from the environment.
- ``messages``: what an incoming Slack event asks, and whether the bot should answer it at all.
- ``threads``: one SQLite file in the workspace holding each thread's chat context and the event ids seen
  (so a retry or a replayed request never gets a second answer, also after a restart).
- ``responder``: answers one question in its thread — progress reaction, ``answer_question``, Block Kit,
  file uploads, a polite message on any failure, one structured log line.
- ``uploads`` and ``charts``: the CSV files and PNG charts posted beside an answer.
- ``app``: the Bolt app (listeners), HTTP and Socket Mode serving; ``manifest``: the Slack app manifest.

Signature checks (X-Slack-Signature, 5-minute timestamp window) are Bolt's own request verification.
"""
