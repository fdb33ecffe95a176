"""After the run, against the database itself: no text a person was told was saved may be lost, and the
audit trail must hold one edit per save. A response alone cannot show an overwrite nobody saw."""
from __future__ import annotations

import json
from collections import defaultdict

import sqlalchemy as sa

from bench.load.database import Plan
from bench.load.users import Save


def chain_problems(update_id: int, initial: str, stored: str, saves: list[Save]) -> list[str]:
    """Every save answered 302 changed key_activities, so the saved texts of one draft must form a single
    chain from the demo's text: each save based on (having seen) the one before, the last one stored. Two
    saves answered 302 from the same base means one overwrote the other unseen."""
    followers, maybe = defaultdict(list), defaultdict(list)
    for save in saves:
        if save.update_id != update_id:
            continue
        if save.status == 302:
            followers[save.base].append(save.text)
        elif save.status == 0 or save.status >= 500:
            maybe[save.base].append(save.text)  # no answer: it may have committed after all
    problems = []
    mine = sum(len(v) for v in followers.values())
    current, walked, seen = initial, 0, set()
    while current not in seen:
        seen.add(current)
        if followers.get(current):
            if len(followers[current]) > 1:
                problems.append(
                    f"update {update_id}: {len(followers[current])} saves answered 302 were based on the same "
                    "text, so all but one were overwritten unseen"
                )
            current = followers[current][-1]
            walked += 1
        elif current != stored:
            # A save with no answer counts only if the chain goes on from it.
            hops = [text for text in maybe.get(current, []) if text == stored or followers.get(text)]
            if not hops:
                break
            current = hops[-1]
        else:
            break
    if walked != mine:
        problems.append(f"update {update_id}: {mine - walked} of {mine} saved texts are not in the chain of saves")
    if current != stored:
        problems.append(f"update {update_id}: the stored text is not the last saved text")
    return problems


def verify(database_url: str, plan: Plan, saves: list[Save]) -> dict:
    """Every text answered 302 is the stored text or was replaced by a save based on it; one audit "edit"
    event naming key_activities per 302 save."""
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as connection:
            stored = dict(
                connection.execute(
                    sa.text("SELECT id, key_activities FROM workstream_update WHERE period_id = :p"),
                    {"p": plan.open_period_id},
                ).all()
            )
            events = connection.execute(
                sa.text(
                    "SELECT object_id, changed_fields FROM audit_event WHERE action = 'edit' "
                    "AND object_type = 'WorkstreamUpdate' AND id > :before"
                ),
                {"before": plan.audit_before},
            ).all()
    finally:
        engine.dispose()
    audit_edits = sum(
        1 for _id, fields in events if "key_activities" in (json.loads(fields) if isinstance(fields, str) else fields)
    )
    saved = [s for s in saves if s.status == 302]
    unknown = [s for s in saves if s.status == 0 or s.status >= 500]
    problems = []
    for update_id, initial in plan.initial_text.items():
        problems += chain_problems(update_id, initial, stored[update_id], saves)
    conflicts = [s for s in saves if s.status == 409]
    missing_marker = sum(1 for s in conflicts if not s.marker_in_conflict)
    if missing_marker:
        problems.append(f"{missing_marker} conflict pages did not show the person's own text")
    if audit_edits != len(saved):
        problems.append(f"{audit_edits} audit 'edit' events name key_activities, but {len(saved)} saves answered 302")
    return {
        "saves_302": len(saved),
        "audit_edit_events_key_activities": audit_edits,
        "saves_unknown_outcome": len(unknown),
        "problems": problems,
    }
