"""Renderers: one per output format, each drawing any answer (DESIGN.md §13).

``cells`` formats one value by its column kind (the only place numbers become text), ``terminal`` draws an
answer with rich, ``delimited`` writes a table as CSV. JSON is :meth:`agent.answer.Answer.to_json`.
"""
