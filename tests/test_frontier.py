"""The alliance's frontier on a date: grows with Finland, covered by battle-group hosts."""

import pytest

from layers.thematic.frontier import alliance_frontier, frontier_totals


def test_finland_joins_the_frontier_on_accession_day():
    before = alliance_frontier("2023-04-03")
    after = alliance_frontier("2023-04-04")
    assert "FIN" not in set(before["member"])
    fin = after[(after["member"] == "FIN") & (after["neighbour"] == "RUS")]
    assert fin["km"].item() == pytest.approx(1309, rel=0.15)  # Factbook 1,309 km


def test_per_member_rows_cover_the_three_neighbours():
    table = alliance_frontier("2022-02-23")
    assert set(table["neighbour"]) == {"RUS", "BLR", "UKR"}
    assert {("POL", "RUS"), ("POL", "BLR"), ("POL", "UKR"), ("ROU", "UKR")} <= set(
        zip(table["member"], table["neighbour"], strict=True)
    )


def test_hosts_cover_their_own_kilometres_only():
    table = alliance_frontier("2022-02-23", neighbours=("RUS", "BLR"), hosts=["EST"])
    total, covered = frontier_totals(table)
    est = table.loc[table["member"] == "EST", "km"].sum()
    assert covered == pytest.approx(est, abs=0.1)
    assert 0 < covered < total


def test_no_members_no_frontier():
    total, covered = frontier_totals(alliance_frontier("1949-05-01"))
    assert (total, covered) == (0, 0)
