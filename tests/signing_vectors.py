"""AK/SK signing vectors computed with Huawei Cloud's own signer, for the dashboard's signer and the simulator's check.

``data/signing-test-vector.json`` is the signing guide's published worked example (a URL, and only the digest of
its canonical request); ``data/signing-vectors.json`` holds the requests this product makes, reads and writes.
Both are read into one shape here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

DATA = Path(__file__).resolve().parent / "data"
SDK_DATE_FORMAT = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Vector:
    name: str
    access_key: str
    secret_key: str
    method: str
    host: str
    path: str
    query: tuple[tuple[str, str], ...]  # in the order the request sends them
    headers: dict[str, str]
    body: bytes
    canonical_request: str | None  # the published example gives only its digest
    canonical_request_sha256: str
    signature: str
    authorization: str

    @property
    def signed_at(self) -> datetime:
        return datetime.strptime(self.headers["X-Sdk-Date"], SDK_DATE_FORMAT).replace(tzinfo=UTC)


def _published_example() -> Vector:
    example = json.loads((DATA / "signing-test-vector.json").read_text(encoding="utf-8"))
    url = urlsplit(example["url"])
    return Vector(
        name="published example",
        access_key=example["access_key"],
        secret_key=example["secret_key"],
        method=example["method"],
        host=url.netloc,
        path=url.path,
        query=tuple(parse_qsl(url.query, keep_blank_values=True)),
        headers=example["headers"],
        body=example["body"].encode("utf-8"),
        canonical_request=None,
        canonical_request_sha256=example["canonical_request_sha256"],
        signature=example["signature"],
        authorization=example["authorization"],
    )


def _product_vectors() -> list[Vector]:
    document = json.loads((DATA / "signing-vectors.json").read_text(encoding="utf-8"))
    return [
        Vector(
            name=vector["name"],
            access_key=document["access_key"],
            secret_key=document["secret_key"],
            method=vector["method"],
            host=vector["host"],
            path=vector["path"],
            query=tuple((name, value) for name, value in vector["query"]),
            headers=vector["headers"],
            body=vector["body_utf8"].encode("utf-8"),
            canonical_request=vector["canonical_request"],
            canonical_request_sha256=vector["canonical_request_sha256"],
            signature=vector["signature"],
            authorization=vector["authorization"],
        )
        for vector in document["vectors"]
    ]


VECTORS = [_published_example(), *_product_vectors()]


def vector_id(vector: Vector) -> str:
    return vector.name
