"""The three-way merge of a draft: base (what the person started from), mine (what they sent) and theirs
(what is stored now). One-sided changes are taken, both sides' different changes are conflicts, and
nothing is dropped silently."""
from hypothesis import given, settings
from hypothesis import strategies as st

from app.updates.merge import Merge, three_way


def test_a_field_only_i_changed_takes_my_value():
    merge = three_way({"a": "old"}, {"a": "mine"}, {"a": "old"})
    assert merge == Merge({"a": "mine"}, {}, ())


def test_a_field_only_they_changed_takes_their_value_and_says_so():
    merge = three_way({"a": "old"}, {"a": "old"}, {"a": "theirs"})
    assert merge == Merge({"a": "theirs"}, {}, ("a",))


def test_a_field_both_changed_the_same_way_is_no_conflict():
    merge = three_way({"a": "old"}, {"a": "same"}, {"a": "same"})
    assert merge == Merge({"a": "same"}, {}, ())


def test_a_field_both_changed_differently_is_a_conflict_of_mine_and_theirs():
    merge = three_way({"a": "old"}, {"a": "mine"}, {"a": "theirs"})
    assert merge.conflicts == {"a": ("mine", "theirs")}
    assert merge.taken_from_theirs == ()
    assert merge.values["a"] in ("mine", "theirs")


def test_a_field_nobody_changed_keeps_its_value():
    assert three_way({"a": "old"}, {"a": "old"}, {"a": "old"}) == Merge({"a": "old"}, {}, ())


def test_a_field_missing_from_base_conflicts_on_any_difference():
    merge = three_way({}, {"a": "mine"}, {"a": "theirs"})
    assert merge.conflicts == {"a": ("mine", "theirs")}
    # Even a change to empty text, or from it.
    assert three_way({}, {"a": ""}, {"a": "theirs"}).conflicts == {"a": ("", "theirs")}
    assert three_way({}, {"a": "mine"}, {"a": ""}).conflicts == {"a": ("mine", "")}
    # No difference, no conflict.
    assert three_way({}, {"a": "same"}, {"a": "same"}) == Merge({"a": "same"}, {}, ())


def test_a_field_missing_from_mine_is_untouched():
    # Missing from mine with a base: they may have changed it, and their value is kept.
    assert three_way({"a": "old"}, {}, {"a": "theirs"}) == Merge({"a": "theirs"}, {}, ("a",))
    assert three_way({"a": "old"}, {}, {"a": "old"}) == Merge({"a": "old"}, {}, ())
    # Missing from mine and from base: the stored value stands, and it is not reported as their change.
    assert three_way({}, {}, {"a": "theirs"}) == Merge({"a": "theirs"}, {}, ())


def test_only_stored_fields_are_merged():
    merge = three_way({"a": "x", "gone": "x"}, {"a": "x", "gone": "y", "new": "z"}, {"a": "x"})
    assert merge == Merge({"a": "x"}, {}, ())


def test_a_mixed_merge_reports_each_field_by_its_own_case():
    base = {"mine": "b", "theirs": "b", "both": "b", "same": "b", "none": "b", "untyped": "b"}
    mine = {"mine": "m", "theirs": "b", "both": "m", "same": "s", "none": "b"}
    theirs = {"mine": "b", "theirs": "t", "both": "t", "same": "s", "none": "b", "untyped": "t"}
    merge = three_way(base, mine, theirs)
    assert merge.conflicts == {"both": ("m", "t")}
    assert {k: v for k, v in merge.values.items() if k != "both"} == {
        "mine": "m", "theirs": "t", "same": "s", "none": "b", "untyped": "t",
    }
    assert merge.taken_from_theirs == ("theirs", "untyped")


# --- Properties -----------------------------------------------------------------------------------------

FIELDS = st.sampled_from(["key_activities", "engagement", "proposed_rag", "milestones-0-status", "outcomes"])
# Few values, so that sides often agree by chance.
VALUES = st.sampled_from(["", "a", "b", "c", "a\r\nb"])
DRAFTS = st.dictionaries(FIELDS, VALUES)


def _mine(base, mine, theirs, field):
    """The value the person stands by for the field: what they sent, or else what they started from."""
    if field in mine:
        return mine[field]
    return base.get(field, theirs[field])


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, mine=DRAFTS, theirs=DRAFTS)
def test_merging_never_loses_a_change_the_merged_value_is_mine_or_theirs(base, mine, theirs):
    merge = three_way(base, mine, theirs)
    assert set(merge.values) == set(theirs)
    for field, value in merge.values.items():
        assert value in (_mine(base, mine, theirs, field), theirs[field]), field


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, mine=DRAFTS, theirs=DRAFTS)
def test_a_field_changed_on_one_side_only_takes_that_sides_value(base, mine, theirs):
    merge = three_way(base, mine, theirs)
    for field in theirs:
        if field not in base:
            continue
        m, t, b = _mine(base, mine, theirs, field), theirs[field], base[field]
        if m != b and t == b:
            assert merge.values[field] == m, field
        if m == b and t != b:
            assert merge.values[field] == t, field
            assert field in merge.taken_from_theirs, field


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, mine=DRAFTS, theirs=DRAFTS)
def test_a_conflict_is_reported_exactly_when_both_sides_changed_a_field_differently(base, mine, theirs):
    merge = three_way(base, mine, theirs)
    expected = {}
    for field, t in theirs.items():
        m = _mine(base, mine, theirs, field)
        b = base.get(field)
        # Without a base, any difference from the stored value counts as both sides changing it.
        if m != t and (b is None or (m != b and t != b)):
            expected[field] = (m, t)
    assert merge.conflicts == expected
    # What is taken from theirs is exactly what only they changed.
    assert set(merge.taken_from_theirs) == {
        f for f, t in theirs.items() if f in base and _mine(base, mine, theirs, f) == base[f] != t
    }
    assert not set(merge.taken_from_theirs) & set(merge.conflicts)


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, theirs=DRAFTS, typed_all=st.booleans())
def test_merging_when_i_changed_nothing_gives_theirs(base, theirs, typed_all):
    # "Nothing changed": mine is the base (every field sent), or mine sent no fields at all.
    mine = dict(base) if typed_all else {}
    merge = three_way(base, mine, theirs)
    assert merge.values == theirs
    assert merge.conflicts == {}
    assert set(merge.taken_from_theirs) == {f for f in theirs if f in base and base[f] != theirs[f]}


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, mine=DRAFTS)
def test_merging_when_they_changed_nothing_gives_mine(base, mine):
    theirs = {field: base.get(field, "") for field in set(base) | set(mine)}
    base = {field: theirs[field] for field in theirs}
    merge = three_way(base, mine, theirs)
    assert merge.values == {**theirs, **{f: v for f, v in mine.items() if f in theirs}}
    assert merge.conflicts == {}
    assert merge.taken_from_theirs == ()


@settings(max_examples=60, deadline=None)
@given(base=DRAFTS, mine=DRAFTS, theirs=DRAFTS)
def test_conflicts_are_symmetric_between_the_two_people(base, mine, theirs):
    # Seen from the other person (their text sent, mine stored), over fields both sides hold.
    fields = set(mine) & set(theirs)
    mine, theirs = {f: mine[f] for f in fields}, {f: theirs[f] for f in fields}
    forward, backward = three_way(base, mine, theirs), three_way(base, theirs, mine)
    assert forward.conflicts == {f: (t, m) for f, (m, t) in backward.conflicts.items()}
