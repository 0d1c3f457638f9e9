"""The Merkle tree hashes as RFC 9162 says, and its proofs verify exactly when they should."""

from __future__ import annotations

import hashlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ledger import merkle as m


def reference_root(entries: list[bytes]) -> bytes:
    """MTH straight from RFC 9162 §2.1.1, on the entries themselves (not on leaf hashes)."""
    if not entries:
        return hashlib.sha256(b"").digest()
    if len(entries) == 1:
        return hashlib.sha256(b"\x00" + entries[0]).digest()
    k = 1
    while k * 2 < len(entries):
        k *= 2
    return hashlib.sha256(b"\x01" + reference_root(entries[:k]) + reference_root(entries[k:])).digest()


def entries(n: int) -> list[bytes]:
    return [hashlib.sha256(str(i).encode()).digest() for i in range(n)]


def test_the_root_of_the_empty_tree_is_the_hash_of_nothing() -> None:
    assert m.root_of([]) == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")


# RFC 6962 (= RFC 9162 hashing) test vectors, as certificate-transparency's implementations carry them.
CT_INPUTS = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
CT_ROOTS = ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"]


def test_roots_match_the_rfc_6962_test_vectors() -> None:
    leaves = [m.leaf_hash(bytes.fromhex(x)) for x in CT_INPUTS]
    for n in range(1, 9):
        assert m.root_of(leaves[:n]).hex() == CT_ROOTS[n - 1]
        assert m.root_of(leaves[:n]) == reference_root([bytes.fromhex(x) for x in CT_INPUTS[:n]])


def test_the_audit_path_of_the_first_of_eight_leaves_matches_the_test_vector() -> None:
    leaves = [m.leaf_hash(bytes.fromhex(x)) for x in CT_INPUTS]
    proof = m.inclusion_proof(0, 8, m.list_subtree(leaves))
    assert [p.hex()[:16] for p in proof] == ["96a296d224f285c6", "5f083f0a1a33ca07", "6b47aaf29ee3c2af"]
    assert m.verify_inclusion(0, 8, leaves[0], proof, bytes.fromhex(CT_ROOTS[7]))


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_the_root_equals_the_reference_computation(n: int) -> None:
    es = entries(n)
    assert m.root_of([m.leaf_hash(e) for e in es]) == reference_root(es)


@settings(deadline=None)
@given(st.integers(min_value=0, max_value=300))
def test_the_frontier_grows_to_the_same_root_and_resumes_from_its_parts(n: int) -> None:
    leaves = [m.leaf_hash(e) for e in entries(n)]
    frontier, nodes = m.Frontier(), {}
    for i, leaf in enumerate(leaves):
        for level, index, h in frontier.append(leaf):
            nodes[(level, index)] = h
        assert frontier.root() == m.root_of(leaves[: i + 1])
    parts = [nodes[p] for p in m.perfect_parts(0, n)]
    resumed = m.Frontier(n, parts)
    assert resumed.root() == m.root_of(leaves)
    for level, index in nodes:  # every stored node is the root of the leaves it covers
        assert nodes[(level, index)] == m.root_of(leaves[index << level:(index + 1) << level])


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_inclusion_proofs_verify_for_their_leaf_and_no_other(data: st.DataObject) -> None:
    size = data.draw(st.integers(min_value=1, max_value=200))
    index = data.draw(st.integers(min_value=0, max_value=size - 1))
    leaves = [m.leaf_hash(e) for e in entries(size)]
    root = m.root_of(leaves)
    proof = m.inclusion_proof(index, size, m.list_subtree(leaves))
    assert m.verify_inclusion(index, size, leaves[index], proof, root)
    assert not m.verify_inclusion(index, size, m.leaf_hash(b"other"), proof, root)
    if size > 1:
        other = (index + 1) % size
        assert not m.verify_inclusion(other, size, leaves[index], proof, root)
    if proof:
        bent = list(proof)
        bent[0] = bytes(32)
        assert not m.verify_inclusion(index, size, leaves[index], bent, root)
        assert not m.verify_inclusion(index, size, leaves[index], proof[:-1], root)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_consistency_proofs_verify_between_a_tree_and_its_extension_only(data: st.DataObject) -> None:
    new = data.draw(st.integers(min_value=1, max_value=200))
    old = data.draw(st.integers(min_value=1, max_value=new))
    leaves = [m.leaf_hash(e) for e in entries(new)]
    old_root, new_root = m.root_of(leaves[:old]), m.root_of(leaves)
    proof = m.consistency_proof(old, new, m.list_subtree(leaves))
    assert m.verify_consistency(old, new, old_root, new_root, proof)
    assert not m.verify_consistency(old, new, m.leaf_hash(b"forged"), new_root, proof)
    if old < new:
        forked = list(leaves)
        forked[old - 1] = m.leaf_hash(b"rewritten")  # the old tree's last entry changed afterwards
        assert not m.verify_consistency(old, new, old_root, m.root_of(forked),
                                        m.consistency_proof(old, new, m.list_subtree(forked)))


def test_proofs_refuse_impossible_sizes() -> None:
    import pytest

    with pytest.raises(ValueError):
        m.inclusion_proof(3, 3, m.list_subtree([]))
    with pytest.raises(ValueError):
        m.consistency_proof(0, 3, m.list_subtree([]))
    assert not m.verify_consistency(4, 3, b"", b"", [])
