"""The shipped fact tables: schema, sources, dates, and how broken files are reported."""

import datetime as dt
import re
import shutil
import subprocess
import sys

import pytest
from conftest import REPO, edit_csv

from geo.dates import period_start
from geo.errors import DataError
from layers.facts.schema import TABLES, URL_SEP
from layers.facts.tables import event_dates, load_table

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _rows(name):
    table = load_table(name)
    key = TABLES[name].key[0]
    return [pytest.param(name, row, id=f"{name}:{row[key]}") for row in table.to_dict("records")]


ALL_ROWS = [p for name in TABLES for p in _rows(name)]


@pytest.mark.parametrize("name", TABLES)
def test_table_has_its_columns_and_rows(name):
    table = load_table(name)
    assert len(table) > 0
    assert [c.name for c in TABLES[name].columns] == [c for c in table.columns][
        : len(TABLES[name].columns)
    ]


@pytest.mark.parametrize(("name", "row"), ALL_ROWS)
def test_every_row_is_sourced(name, row):
    urls = row["source_url"].split(URL_SEP)
    assert urls, row
    assert all(u.startswith(("http://", "https://")) and " " not in u for u in urls)
    assert len(set(urls)) == len(urls)
    if "verified" in row:
        assert row["verified"] in {"yes", "partial"}


@pytest.mark.parametrize(("name", "row"), ALL_ROWS)
def test_dates_keep_iso_precision(name, row):
    for col in TABLES[name].columns:
        if col.kind in ("date", "date_range", "day") and row[col.name]:
            for part in row[col.name].split("/"):
                assert DATE.match(part), (col.name, row[col.name])
                period_start(part)


def test_counts():
    assert len(load_table("members")) == 32
    assert len(load_table("battlegroups")) == 8
    assert list(load_table("border_states")["feature_id"]) == [
        "RUS",
        "RUS-KGD",
        "BLR",
        "UKR",
        "MDA",
        "GEO",
    ]


def test_members_outside_the_map_are_usa_and_canada():
    from geo.boundaries import known_iso3

    assert set(load_table("members")["iso3"]) - set(known_iso3()) == {"USA", "CAN"}


def test_partial_dates_are_not_padded():
    events = load_table("battlegroup_events").set_index(["bg_id", "status", "framework_iso3"])
    assert events.loc[("bg_hun", "established", "HUN"), "date"].iloc[0] == "2022"
    assert events.loc[("bg_rou", "established", "FRA"), "date"].iloc[0] == "2022-05"
    assert events.loc[("bg_est", "established", "GBR"), "date"].iloc[0] == "2017-04"
    # a day found later replaces the month: the 350 Royal Marines were announced on 2022-02-07
    assert set(
        load_table("reinforcements").set_index("id").loc[["uk_pol_marines"], "announced_date"]
    ) == {"2022-02-07"}


def test_border_lengths_are_ordered_pairs_in_km():
    lengths = load_table("border_lengths")
    assert (lengths["a"] < lengths["b"]).all()
    assert str(lengths["length_km"].dtype) == "Int64"
    pairs = lengths.set_index(["a", "b"])["length_km"]
    assert pairs[("FIN", "RUS")] == 1309
    assert pairs[("RUS", "UKR")] == 1944


def test_unlocated_rows_stay_unlocated():
    reinf = load_table("reinforcements").set_index("id")
    for ship in ("uk_hms_trent", "uk_hms_diamond"):
        assert reinf.loc[ship, ["lat", "lon"]].isna().all()
        assert "Mediterranean" in reinf.loc[ship, "where_name"]
        assert "Black Sea" not in reinf.loc[ship, "where_name"]
    areas = load_table("buildup_areas")
    assert areas["lat"].isna().sum() == 6
    assert (areas["lat"].isna() == areas["lon"].isna()).all()


def test_estimate_high_is_empty_for_more_than():
    est = load_table("buildup_estimates")
    more = est[est["estimate_label"].str.startswith(">")]
    assert len(more) == 2
    assert more["troops_high"].isna().all()
    assert str(est["troops_low"].dtype) == "Int64"


def test_load_table_returns_a_copy():
    first = load_table("members")
    first.loc[0, "name"] = "changed"
    del first["notes"]
    again = load_table("members")
    assert again.loc[0, "name"] != "changed"
    assert "notes" in again.columns


def test_event_dates():
    days = event_dates()
    assert days == sorted(set(days))
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", d) for d in days)
    assert days[0] == "1949-08-24"
    for needed in ("2014-03-18", "2022-01-19", "2022-02-15", "2022-03-24", "2022-06-28"):
        assert needed in days
    assert all(dt.date.fromisoformat(d) <= dt.date.today() for d in days)
    for accession in load_table("members")["accession_date"]:
        assert accession in days


def test_build_script_reproduces_the_shipped_files(tmp_path):
    source = REPO.parent / "shared" / "facts"
    if not (source / "battlegroups.csv").exists():
        pytest.skip("compiled fact tables not next to this checkout")
    result = subprocess.run(
        [sys.executable, str(REPO / "scripts" / "build_facts.py"), "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    shipped = REPO / "data" / "facts"
    for path in sorted(shipped.iterdir()):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


# -- broken data ------------------------------------------------------------------------------


def _set(row_index, column, value):
    def change(rows):
        rows[row_index][column] = value

    return change


BROKEN = [
    pytest.param(
        "members",
        _set(2, "source_url", ""),
        r"members\.csv: row 3 .*source_url is empty",
        id="no-source",
    ),
    pytest.param(
        "members",
        _set(4, "verified", "no"),
        r"members\.csv: row 5 .*verified 'no'",
        id="verified-no",
    ),
    pytest.param(
        "members",
        _set(0, "accession_date", "1949-8-24"),
        r"members\.csv: row 1 .*not a valid date",
        id="bad-date",
    ),
    pytest.param(
        "members",
        _set(0, "accession_date", "1949-02-30"),
        r"members\.csv: row 1 .*not a valid date",
        id="no-such-day",
    ),
    pytest.param(
        "members",
        _set(1, "iso3", "BEL"),
        r"members\.csv: row 2 \(iso3 'BEL'\) duplicates row 1",
        id="duplicate-id",
    ),
    pytest.param(
        "members", _set(1, "iso3", "Can"), r"members\.csv: row 2 .*not an ISO alpha-3", id="bad-iso"
    ),
    pytest.param(
        "battlegroups",
        _set(3, "host_iso3", "XYZ"),
        r"battlegroups\.csv: row 4 \(id 'bg_pol'\).*'XYZ' is an unknown ISO code",
        id="unknown-iso",
    ),
    pytest.param(
        "battlegroups",
        _set(0, "base_lat", ""),
        r"battlegroups\.csv: row 1 .*only one of base_lat/base_lon",
        id="half-point",
    ),
    pytest.param(
        "battlegroups",
        _set(0, "base_lon", "190"),
        r"battlegroups\.csv: row 1 .*base_lon '190' is out of range",
        id="lon-range",
    ),
    pytest.param(
        "battlegroups",
        _set(5, "id", "bg_est"),
        r"battlegroups\.csv: row 6 \(id 'bg_est'\) duplicates row 1",
        id="duplicate-bg",
    ),
    pytest.param(
        "battlegroup_events",
        _set(0, "status", "planned"),
        r"battlegroup_events\.csv: row 1 .*status 'planned' is not allowed; "
        r"allowed: one of: considered, offered_lead",
        id="bad-status",
    ),
    pytest.param(
        "battlegroup_events",
        _set(0, "bg_id", "bg_xxx"),
        r"battlegroup_events\.csv: row 1 \(bg_id 'bg_xxx'\): unknown battle group",
        id="unknown-bg",
    ),
    pytest.param(
        "battlegroup_events",
        _set(0, "framework_iso3", "BGR;ZZZ"),
        r"battlegroup_events\.csv: row 1 .*'ZZZ' is an unknown ISO code",
        id="unknown-iso-list",
    ),
    pytest.param(
        "battlegroup_events",
        _set(0, "in_effect_from", "2021-01-01"),
        r"battlegroup_events\.csv: row 1 .*outside the period",
        id="effect-outside-date",
    ),
    pytest.param(
        "battlegroup_events",
        _set(1, "troops_as_of", ""),
        r"battlegroup_events\.csv: row 2 .*troops_approx and troops_as_of",
        id="troops-undated",
    ),
    pytest.param(
        "battlegroup_events",
        _set(1, "troops_approx", "about 1000"),
        r"battlegroup_events\.csv: row 2 .*not a whole number",
        id="troops-text",
    ),
    pytest.param(
        "battlegroup_strengths",
        _set(0, "formation_name", "Panzerbrigade 45, German"),
        r"battlegroup_strengths\.csv: row 1 .*formation_name 'Panzerbrigade 45, German' with "
        r"formation 'battle_group'",
        id="named-battle-group",
    ),
    pytest.param(
        "reinforcements",
        _set(0, "kind", "tanks"),
        r"reinforcements\.csv: row 1 \(id 'uk_est_double'\).*kind 'tanks'",
        id="bad-kind",
    ),
    pytest.param(
        "reinforcements",
        _set(0, "lat", "95"),
        r"reinforcements\.csv: row 1 .*lat '95' is out of range",
        id="lat-range",
    ),
    pytest.param(
        "reinforcements",
        _set(0, "source_url", "dw.com/en/x"),
        r"reinforcements\.csv: row 1 .*not an http\(s\) URL",
        id="bad-url",
    ),
    pytest.param(
        "buildup_estimates",
        _set(0, "troops_high", "100"),
        r"buildup_estimates\.csv: row 1 .*below troops_low",
        id="high-below-low",
    ),
    pytest.param(
        "buildup_areas",
        _set(0, "observed", "2022-02-10/2021-01-01"),
        r"buildup_areas\.csv: row 1 .*ends before it starts",
        id="bad-range",
    ),
    pytest.param(
        "border_lengths",
        _set(0, "a", "SWE"),
        r"border_lengths\.csv: row 1 .*not in order",
        id="unordered-pair",
    ),
    pytest.param(
        "border_states",
        _set(2, "role", "enemy"),
        r"border_states\.csv: row 3 \(feature_id 'BLR'\).*role 'enemy'",
        id="bad-role",
    ),
    pytest.param(
        "crimea",
        _set(0, "date", "18 March 2014"),
        r"crimea\.csv: row 1 .*not a valid date",
        id="crimea-date",
    ),
]


@pytest.mark.parametrize(("name", "change", "message"), BROKEN)
def test_broken_row_is_named(facts_copy, name, change, message):
    edit_csv(facts_copy / f"{name}.csv", change)
    with pytest.raises(DataError, match=message) as err:
        load_table(name)
    assert "\n" not in str(err.value)


def test_a_newline_inside_a_quoted_field_is_kept(facts_copy):
    edit_csv(facts_copy / "crimea.csv", _set(0, "notes", "first line\nsecond line, with a comma"))
    assert '"first line\nsecond line, with a comma"' in (facts_copy / "crimea.csv").read_text()
    assert load_table("crimea").loc[0, "notes"] == "first line\nsecond line, with a comma"


def test_missing_column(facts_copy):
    def drop(rows):
        for row in rows:
            del row["source_url"]
        return ["id", "event", "date", "verified", "notes"]

    edit_csv(facts_copy / "crimea.csv", drop)
    with pytest.raises(
        DataError, match=r"crimea\.csv: missing column 'source_url'; the columns are: id, event"
    ):
        load_table("crimea")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        pytest.param(b"", r"members\.csv: file is empty", id="empty"),
        pytest.param(
            b"iso3,name,accession_date,source_url,verified,notes\n",
            r"members\.csv: no data rows",
            id="header-only",
        ),
        pytest.param(
            b"iso3,name\n\xff\xfe,x\n", r"members\.csv: cannot read the file", id="not-utf8"
        ),
        pytest.param(
            b"iso3,name,accession_date,source_url,verified,notes\nBEL,Belgium,1949-08-24,https://x.org,yes,a,b\n",
            r"members\.csv: row 1 has 7 fields but the header has 6",
            id="extra-field",
        ),
        pytest.param(
            b'iso3,name\n"BEL,Belgium\n', r"members\.csv: not a readable CSV", id="open-quote"
        ),
    ],
)
def test_corrupt_file(facts_copy, content, message):
    (facts_copy / "members.csv").write_bytes(content)
    with pytest.raises(DataError, match=message):
        load_table("members")


def test_missing_file(facts_copy):
    (facts_copy / "crimea.csv").unlink()
    with pytest.raises(DataError, match=r"crimea\.csv: file is missing"):
        load_table("crimea")


def test_unknown_table():
    with pytest.raises(DataError, match="unknown fact table 'nope'; choose one of: members"):
        load_table("nope")


def test_broken_member_table_breaks_the_layers(facts_copy):
    from layers.thematic.members import members

    edit_csv(facts_copy / "members.csv", _set(0, "source_url", ""))
    with pytest.raises(DataError, match=r"members\.csv: row 1 \(iso3 'BEL'\)"):
        members("2022-02-23")


def _build_from_edited_copy(tmp_path, name, edit):
    """Run the build on a copy of the compiled tables with ``edit`` applied to file ``name``."""
    source = REPO.parent / "shared" / "facts"
    if not (source / "battlegroups.csv").exists():
        pytest.skip("compiled fact tables not next to this checkout")
    copy = tmp_path / "facts"
    shutil.copytree(source, copy)
    shutil.copytree(REPO.parent / "shared" / "seeds", tmp_path / "seeds")
    path = copy / name
    path.write_text(edit(path.read_text(encoding="utf-8")), encoding="utf-8")
    command = [sys.executable, str(REPO / "scripts" / "build_facts.py"), "--source", str(copy)]
    command += ["--out", str(tmp_path / "out")]
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_build_stops_when_an_event_loses_its_evidence(tmp_path):
    result = _build_from_edited_copy(
        tmp_path,
        "claims_checked.md",
        lambda text: text.replace("Tuesday 2022-03-15", "2022-03"),
    )
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "bg_svk 2022-03-15 established" in result.stderr
    assert "claims_checked.md" in result.stderr


def test_build_stops_when_a_dropped_copy_is_no_longer_covered(tmp_path):
    # EST 2020 (DNK) from a Sky News copy is dropped because ERR names Denmark in 2020
    result = _build_from_edited_copy(
        tmp_path,
        "battlegroup_contributors.csv",
        lambda text: text.replace("soldiers from the UK and Denmark.", "soldiers from the UK."),
    )
    assert result.returncode == 2
    assert "EST 2020 (DNK)" in result.stderr
    assert "news.err.ee" in result.stderr


def test_build_stops_when_a_contributor_row_cites_a_replaced_site(tmp_path):
    # a compiled roster citing a copy that an upgrade replaced elsewhere, with no better source
    result = _build_from_edited_copy(
        tmp_path,
        "battlegroup_contributors.csv",
        lambda text: text.replace("https://hr.n1info.com/english/news/", "https://archyde.com/", 1),
    )
    assert result.returncode == 2
    assert "archyde.com" in result.stderr
    assert "contributor_sources.csv" in result.stderr
