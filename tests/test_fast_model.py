"""badgegen.model: Registry's lookups use indexes built once; they answer what a scan would.

The reference functions below are the scans the lookups replaced (quadratic over a
site's pages once there are tens of thousands of awards).
"""

from __future__ import annotations

import dataclasses
import pickle
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from badgegen.load import load_content
from badgegen.model import Award, BadgeClass, Earner, Endorsement, Issuer, Registry, Revocation
from badgegen.resolve import resolve
from badgegen.timeutil import build_time

EXAMPLE = Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def example() -> Registry:
    registry = resolve(load_content(EXAMPLE), build_time(), None).registry
    assert registry is not None
    return registry


def scan_endorsements_of(registry: Registry, kind: str, subject_id: str) -> list[Endorsement]:
    found = [
        e for e in registry.endorsements.values() if e.subject_kind == kind and e.subject_id == subject_id
    ]
    return sorted(found, key=lambda e: (e.issued_on, e.id))


def scan_listed_awards_of(registry: Registry, badge: BadgeClass) -> list[Award]:
    found = [a for a in registry.awards.values() if a.badge.slug == badge.slug and a.listed]
    return sorted(found, key=lambda a: (a.issued_on, a.id), reverse=True)


def scan_revoked_awards_of(registry: Registry, issuer: Issuer) -> list[Award]:
    return [
        a for a in registry.awards.values() if a.badge.issuer.slug == issuer.slug and a.revoked is not None
    ]


def scan_badges_of(registry: Registry, issuer: Issuer) -> list[BadgeClass]:
    return [b for b in registry.badges.values() if b.issuer.slug == issuer.slug]


def scan_earner_of(registry: Registry, award: Award) -> Earner | None:
    return next((e for e in registry.earners.values() if any(a.id == award.id for a in e.awards)), None)


def assert_lookups_as_scans(registry: Registry) -> None:
    for award in registry.awards.values():
        assert registry.earner_of(award) is scan_earner_of(registry, award)
        assert registry.endorsements_of("award", award.id) == scan_endorsements_of(
            registry, "award", award.id
        )
    for badge in registry.badges.values():
        assert registry.listed_awards_of(badge) == scan_listed_awards_of(registry, badge)
        assert registry.endorsements_of("badge", badge.slug) == scan_endorsements_of(
            registry, "badge", badge.slug
        )
    for issuer in registry.issuers.values():
        assert registry.revoked_awards_of(issuer) == scan_revoked_awards_of(registry, issuer)
        assert registry.badges_of(issuer) == scan_badges_of(registry, issuer)
        assert registry.endorsements_of("issuer", issuer.slug) == scan_endorsements_of(
            registry, "issuer", issuer.slug
        )
    assert registry.endorsements_of("award", "nobody") == []


def test_the_example_answers_as_scans(example: Registry) -> None:
    assert_lookups_as_scans(example)


def test_lookups_give_fresh_lists(example: Registry) -> None:
    badge = next(iter(example.badges.values()))
    first = example.listed_awards_of(badge)
    first.clear()
    assert example.listed_awards_of(badge) == scan_listed_awards_of(example, badge)


def test_a_replaced_registry_has_its_own_indexes(example: Registry) -> None:
    badge = next(b for b in example.badges.values() if example.listed_awards_of(b))
    fewer = dataclasses.replace(example, awards={})
    assert fewer.listed_awards_of(badge) == []
    assert example.listed_awards_of(badge) != []
    assert fewer == dataclasses.replace(example, awards={})  # the indexes are not compared


def test_the_model_stays_frozen_with_slots_and_pickles(example: Registry) -> None:
    award = next(iter(example.awards.values()))
    with pytest.raises(dataclasses.FrozenInstanceError):
        award.listed = True  # type: ignore[misc]
    assert not hasattr(award, "__dict__")
    example.listed_awards_of(award.badge)  # (indexes built: they pickle too)
    copy = pickle.loads(pickle.dumps(example))
    assert copy == example
    assert_lookups_as_scans(copy)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_many_awards_answer_as_scans(example: Registry, data: st.DataObject) -> None:
    """Copies of the example's awards, listed, revoked, endorsed and shown at random."""
    originals = list(example.awards.values())
    awards: dict[str, Award] = {}
    for index in range(data.draw(st.integers(0, 60))):
        award = data.draw(st.sampled_from(originals))
        revoked = data.draw(st.sampled_from([None, Revocation(award.issued_on, "erreur")]))
        awards[f"copy-{index:03d}"] = dataclasses.replace(
            award,
            id=f"copy-{index:03d}",
            listed=data.draw(st.booleans()),
            revoked=revoked,
            issued_on=award.issued_on + timedelta(days=data.draw(st.integers(0, 3))),
        )
    awards = dict(sorted(awards.items()))
    ids = sorted(awards)
    endorsement = next(iter(example.endorsements.values()))
    endorsements = {}
    for index in range(data.draw(st.integers(0, 20))):
        kind = data.draw(st.sampled_from(["award", "badge", "issuer"]))
        pool = {"award": ids or ["none"], "badge": sorted(example.badges), "issuer": sorted(example.issuers)}
        endorsements[f"e-{index:02d}"] = dataclasses.replace(
            endorsement,
            id=f"e-{index:02d}",
            subject_kind=kind,
            subject_id=data.draw(st.sampled_from(pool[kind])),
            issued_on=endorsement.issued_on + timedelta(days=data.draw(st.integers(0, 2))),
        )
    earner = next(iter(example.earners.values()))
    earners = {}
    for index in range(data.draw(st.integers(0, 4))):
        chosen = data.draw(st.lists(st.sampled_from(ids), max_size=5)) if ids else []
        earners[f"p-{index}"] = dataclasses.replace(
            earner, slug=f"p-{index}", awards=tuple(awards[i] for i in chosen)
        )
    registry = dataclasses.replace(example, awards=awards, endorsements=endorsements, earners=earners)
    assert_lookups_as_scans(registry)
