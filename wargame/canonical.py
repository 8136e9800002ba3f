"""Canonical JSON and its hash: how a scenario is identified in journals and batch manifests.

One definition, so that the hash a journal's header records, the hash replay checks and the hash
a batch manifest keeps are always taken the same way: keys sorted, no spaces, UTF-8, no NaN.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


def canonical_json(data: Any) -> str:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False)


def content_hash(data: Any) -> str:
    """``sha256:<hex>`` of the canonical JSON of ``data``."""
    return "sha256:" + hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()
