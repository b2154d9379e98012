"""Stage 1: read a community's raw exports into typed clean tables (contract section 2)."""

from __future__ import annotations

from .community import (
    IngestResult,
    check_community_id,
    community_paths,
    ensure_ingested,
    ingest_community,
    load_clean,
    load_ingest_report,
)
from .readers import find_table_file, read_table_file
from .validate import REJECT_COLUMNS, SUMMARY_COLUMNS, validate_table

__all__ = [
    "REJECT_COLUMNS",
    "SUMMARY_COLUMNS",
    "IngestResult",
    "check_community_id",
    "community_paths",
    "ensure_ingested",
    "find_table_file",
    "ingest_community",
    "load_clean",
    "load_ingest_report",
    "read_table_file",
    "validate_table",
]
