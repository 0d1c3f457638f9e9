"""OpenAPI links: how the answer of one operation names the resource the next one acts on.

Clients (and schemathesis' stateful phase) follow them: who am I → register a document in my agency →
upload a draft → read it, submit it, approve it, issue it; open a record → add a file, lend it, close it …
Each link is (source path, method, status) → (target path, method, {parameter: runtime expression}).
"""

from __future__ import annotations

from typing import Any

V1 = "/api/v1"
DOC = f"{V1}/documents/{{document_id}}"
VER = f"{DOC}/versions/{{n}}"
REC = f"{V1}/records/{{record_id}}"
AGENCY = f"{V1}/agencies/{{agency_id}}"

_doc = {"document_id": "$response.body#/id"}
_ver = {"document_id": "$response.body#/id", "n": "$response.body#/n"}
_rec = {"record_id": "$response.body#/id"}

# (method, path, status) -> [(method, path, parameters)]
LINKS: dict[tuple[str, str, str], list[tuple[str, str, dict[str, str]]]] = {
    ("get", f"{V1}/auth/me", "200"): [
        (m, p, {"agency_id": "$response.body#/agency_id"}) for m, p in (
            ("get", AGENCY), ("post", f"{AGENCY}/documents"), ("get", f"{AGENCY}/documents"),
            ("post", f"{AGENCY}/records"), ("get", f"{AGENCY}/records"), ("get", f"{AGENCY}/loans"),
            ("get", f"{AGENCY}/retention/due"), ("get", f"{AGENCY}/users"),
            ("get", f"{V1}/public/agencies/{{agency_id}}/documents"))],
    ("post", f"{V1}/agencies", "201"): [
        (m, p, {"agency_id": "$response.body#/agency_id"}) for m, p in (
            ("get", AGENCY), ("post", f"{AGENCY}/users"), ("get", f"{AGENCY}/users"))],
    ("post", f"{AGENCY}/users", "201"): [("patch", f"{V1}/users/{{user_id}}", {"user_id": "$response.body#/username"})],
    ("post", f"{AGENCY}/documents", "201"): [
        ("get", DOC, _doc), ("post", f"{DOC}/versions", _doc), ("get", f"{DOC}/history", _doc)],
    ("post", f"{DOC}/versions", "201"): [
        ("get", DOC, _doc), ("get", f"{VER}/file", _ver), ("get", f"{VER}/signatures", _ver),
        ("post", f"{VER}/revise", _ver), ("post", f"{VER}/submit", _ver), ("post", f"{VER}/withdraw", _ver)],
    ("post", f"{VER}/revise", "200"): [("get", f"{VER}/file", _ver), ("post", f"{VER}/submit", _ver)],
    ("post", f"{VER}/submit", "200"): [
        ("post", f"{VER}/reviews", _ver), ("post", f"{VER}/approve", _ver), ("post", f"{VER}/reject", _ver),
        ("get", f"{DOC}/history", _doc)],
    ("post", f"{VER}/reviews", "200"): [("post", f"{VER}/approve", _ver), ("post", f"{VER}/reject", _ver)],
    ("post", f"{VER}/approve", "200"): [
        ("post", f"{VER}/sign", _ver), ("post", f"{VER}/issue", _ver), ("post", f"{VER}/withdraw", _ver)],
    ("post", f"{VER}/reject", "200"): [("post", f"{VER}/revise", _ver), ("get", DOC, _doc)],
    ("post", f"{VER}/sign", "200"): [("get", f"{VER}/signatures", _ver), ("post", f"{VER}/issue", _ver)],
    ("post", f"{VER}/issue", "200"): [
        ("get", DOC, _doc), ("post", f"{DOC}/versions", _doc), ("post", f"{VER}/withdraw", _ver),
        ("get", f"{V1}/public/documents/{{document_id}}/file", _doc)],
    ("post", f"{VER}/withdraw", "200"): [("get", DOC, _doc), ("get", f"{DOC}/history", _doc)],
    ("post", f"{AGENCY}/records", "201"): [
        (m, p, _rec) for m, p in (("get", REC), ("post", f"{REC}/files"), ("post", f"{REC}/close"),
                                  ("post", f"{REC}/holds"), ("post", f"{REC}/loans"), ("get", f"{REC}/history"))],
    ("post", f"{REC}/files", "201"): [("get", REC, _rec), ("post", f"{REC}/close", _rec)],
    ("post", f"{REC}/holds", "200"): [("post", f"{REC}/holds/release", _rec), ("get", REC, _rec)],
    ("post", f"{REC}/loans", "200"): [
        ("post", f"{REC}/loans/current/extend", _rec), ("post", f"{REC}/loans/current/return", _rec)],
    ("post", f"{REC}/loans/current/extend", "200"): [("post", f"{REC}/loans/current/return", _rec)],
    ("post", f"{REC}/close", "200"): [("post", f"{REC}/destruction/propose", _rec), ("get", REC, _rec)],
    ("post", f"{REC}/destruction/propose", "200"): [("post", f"{REC}/destruction/approve", _rec)],
    ("post", f"{REC}/destruction/approve", "200"): [("post", f"{REC}/destruction/execute", _rec)],
    ("post", f"{REC}/destruction/execute", "200"): [("get", REC, _rec), ("get", f"{REC}/history", _rec)],
}


def add_links(schema: dict[str, Any]) -> None:
    """Adds the links of LINKS to the responses of an OpenAPI document (targets named by operationId)."""
    paths = schema.get("paths", {})
    for (method, path, status), targets in LINKS.items():
        response = paths.get(path, {}).get(method, {}).get("responses", {}).get(status)
        if response is None:
            continue
        links = response.setdefault("links", {})
        for t_method, t_path, parameters in targets:
            operation = paths.get(t_path, {}).get(t_method)
            if operation is None or "operationId" not in operation:
                continue
            links[operation["operationId"]] = {"operationId": operation["operationId"], "parameters": parameters}
