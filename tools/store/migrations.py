"""Append-only list of named schema migrations for the workspace store.

Never edit or reorder an entry that has shipped: add a new one. A workspace that holds a migration
name this version does not know was made by a newer release, and is refused with a clear message.
Tables whose columns follow the data (``customer_features``) are created by the code that fills them.
"""

from __future__ import annotations

MIGRATIONS: list[tuple[str, list[str]]] = [
    (
        "0001_core_tables",
        [
            """CREATE TABLE ingest_log (
                id INTEGER, table_name VARCHAR, file VARCHAR, file_sha256 VARCHAR,
                mapping VARCHAR, mode VARCHAR, rows_read BIGINT, rows_kept BIGINT, rows_skipped BIGINT,
                skipped_reasons VARCHAR, returns BIGINT, duplicates BIGINT, warnings VARCHAR,
                started_at TIMESTAMP, finished_at TIMESTAMP, active BOOLEAN)""",
            """CREATE TABLE orders (
                order_id VARCHAR, customer_id VARCHAR NOT NULL, order_date TIMESTAMP NOT NULL,
                amount DOUBLE NOT NULL, quantity DOUBLE, unit_price DOUBLE, product_id VARCHAR,
                product_name VARCHAR, category VARCHAR, currency VARCHAR, country VARCHAR,
                is_return BOOLEAN NOT NULL, attributes VARCHAR, source_id INTEGER)""",
            """CREATE TABLE customers (
                customer_id VARCHAR NOT NULL, name VARCHAR, email VARCHAR, phone VARCHAR,
                country VARCHAR, city VARCHAR, signup_date TIMESTAMP, attributes VARCHAR,
                source_id INTEGER)""",
            """CREATE TABLE texts (
                customer_id VARCHAR NOT NULL, text VARCHAR NOT NULL, date TIMESTAMP, source VARCHAR,
                attributes VARCHAR, source_id INTEGER)""",
        ],
    ),
    (
        "0002_lifecycle_history",
        [
            """CREATE TABLE lifecycle_history (
                run_id INTEGER, computed_at TIMESTAMP, as_of TIMESTAMP, customer_id VARCHAR,
                lifecycle VARCHAR, value_tier VARCHAR, monetary DOUBLE)""",
        ],
    ),
    (
        "0003_segments",
        [
            """CREATE TABLE embedding_cache (
                model VARCHAR NOT NULL, text_hash VARCHAR NOT NULL, vector BLOB NOT NULL, created_at TIMESTAMP)""",
            """CREATE TABLE segment_runs (
                run_id INTEGER, created_at TIMESTAMP, k INTEGER, seed INTEGER, model VARCHAR,
                space VARCHAR, customers INTEGER, summary VARCHAR)""",
            """CREATE TABLE segment_definitions (
                run_id INTEGER, segment_id INTEGER, name VARCHAR, slug VARCHAR, size INTEGER,
                first_run_id INTEGER, centroid BLOB, profile VARCHAR)""",
            """CREATE TABLE segment_assignments (
                run_id INTEGER, customer_id VARCHAR, segment_id INTEGER, similarity DOUBLE)""",
        ],
    ),
    (
        "0004_current_segments",
        [
            # The latest run's assignment of each customer; empty until the first segmentation.
            """CREATE VIEW current_segments AS
               SELECT a.customer_id, a.segment_id, d.name AS segment_name, d.slug AS segment_slug
               FROM segment_assignments a JOIN segment_definitions d USING (run_id, segment_id)
               WHERE a.run_id = (SELECT max(run_id) FROM segment_runs)""",
        ],
    ),
    (
        "0005_brief_snapshots",
        [
            # One row per brief written (brief name + date is the key: a re-run replaces its own rows) ...
            """CREATE TABLE brief_runs (
                brief VARCHAR, brief_date DATE, period_start DATE, period_end DATE, created_at TIMESTAMP,
                customers INTEGER, segment_run_id INTEGER, summary VARCHAR)""",
            # ... and each customer's stage, tier and segment as that brief saw them: what the next one diffs.
            """CREATE TABLE brief_snapshots (
                brief VARCHAR, brief_date DATE, customer_id VARCHAR, lifecycle VARCHAR, value_tier VARCHAR,
                segment_id INTEGER, monetary DOUBLE)""",
        ],
    ),
]

WORKSPACE_FORMAT = len(MIGRATIONS)
