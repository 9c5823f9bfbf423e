"""The scenario store: versions, loading, the default location, and concurrent writers.

The tests that use the ``database_url`` fixture run on SQLite and, when the environment
variable ``PLANLIB_TEST_POSTGRESQL_URL`` names a scratch PostgreSQL database (its
``planlib_scenarios`` table is dropped before each test), on PostgreSQL too.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from planlib.errors import PlanlibError, StoreError
from planlib.io.store import LIST_COLUMNS
from planlib.scenario import ScenarioStore
from planlib.io.store_location import default_url
from planlib.scenario import Scenario

PRECEPT = Scenario(
    name="precept_plus_15",
    description="Band D +£15 in each remaining year",
    source="finance officer's proposal, 2022 budget round",
    changes={
        "finance.precept_increase": {"2022/23": 15, "2023/24": 15, "2024/25": 15},
        "finance.police_grant": {"2023/24": 590.0e6},
        "commitments.C07.enabled": False,
    },
)


def revision(scenario: Scenario, description: str) -> Scenario:
    return scenario.model_copy(update={"description": description})


POSTGRESQL_URL = os.environ.get("PLANLIB_TEST_POSTGRESQL_URL", "")


@pytest.fixture(params=["sqlite", "postgresql"] if POSTGRESQL_URL else ["sqlite"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty store's URL: an SQLite file, or the scratch PostgreSQL database if configured."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'scenarios.db'}"
    engine = sa.create_engine(POSTGRESQL_URL)
    with engine.begin() as connection:
        connection.exec_driver_sql("DROP TABLE IF EXISTS planlib_scenarios")
    engine.dispose()
    return POSTGRESQL_URL


@pytest.fixture
def store(database_url: str):
    with ScenarioStore(database_url) as opened:
        yield opened


# --------------------------------------------------------------------------- round trip and versions


def test_save_list_load_round_trip(store: ScenarioStore) -> None:
    assert store.save(PRECEPT, author="A. Finance Officer") == 1

    listed = store.list()
    assert listed.columns.tolist() == list(LIST_COLUMNS)
    assert listed[["name", "version", "author", "description"]].values.tolist() == [
        ["precept_plus_15", 1, "A. Finance Officer", "Band D +£15 in each remaining year"]
    ]
    assert str(listed["saved_at"].dt.tz) == "UTC"
    age = pd.Timestamp.now(tz="UTC") - listed["saved_at"].iloc[0]
    assert pd.Timedelta(0) <= age < pd.Timedelta(minutes=5)

    loaded = store.load("precept_plus_15")
    assert loaded == PRECEPT
    assert loaded.to_yaml() == PRECEPT.to_yaml()


def test_each_save_is_a_new_version_and_none_is_overwritten(store: ScenarioStore) -> None:
    drafts = [revision(PRECEPT, f"draft {n}") for n in (1, 2, 3)]
    assert [store.save(draft, author="J. Smith") for draft in drafts] == [1, 2, 3]
    assert store.save(revision(PRECEPT, "other").model_copy(update={"name": "grant_flat"}), "J. Smith") == 1

    assert store.load("precept_plus_15") == drafts[2]  # latest
    for version, draft in enumerate(drafts, start=1):
        assert store.load("precept_plus_15", version=version) == draft
    listed = store.list()
    assert list(zip(listed["name"], listed["version"])) == [
        ("grant_flat", 1), ("precept_plus_15", 1), ("precept_plus_15", 2), ("precept_plus_15", 3),
    ]
    assert listed["description"].tolist() == ["other", "draft 1", "draft 2", "draft 3"]


def test_empty_store_lists_the_columns(store: ScenarioStore) -> None:
    listed = store.list()
    assert listed.empty
    assert listed.columns.tolist() == ["name", "version", "author", "saved_at", "description"]


def test_saved_scenarios_outlive_the_store_object(database_url: str) -> None:
    url = database_url
    with ScenarioStore(url) as first:
        first.save(PRECEPT, "J. Smith")
    with ScenarioStore(url) as second:
        assert second.save(PRECEPT, "J. Smith") == 2
        assert second.load("precept_plus_15", 1) == PRECEPT


# --------------------------------------------------------------------------- what is missing


@pytest.mark.parametrize(
    ("name", "version", "words"),
    [
        ("grant_up", None, "no saved scenario is named 'grant_up'; saved scenarios: "
                           "grant_flat (version 1), precept_plus_15 (versions 1-3)"),
        ("precept_plus_15", 4, "scenario 'precept_plus_15' has no version 4; its saved versions are 1-3"),
        ("precept_plus_15", 0, "version must be a whole number from 1 to 2,147,483,647, got 0"),
        ("precept_plus_15", "2", "version must be a whole number from 1 to 2,147,483,647, got '2'"),
        ("precept_plus_15", True, "version must be a whole number from 1 to 2,147,483,647, got True"),
        ("precept_plus_15", 2**31, "version must be a whole number from 1 to 2,147,483,647, got 2147483648"),
        ("precept_plus_15", 2**70, "version must be a whole number from 1 to 2,147,483,647, got a number far larger"),
    ],
)
def test_missing_scenario_is_a_store_error_listing_what_exists(
    store: ScenarioStore, name: str, version: object, words: str
) -> None:
    for _ in range(3):
        store.save(PRECEPT, "J. Smith")
    store.save(PRECEPT.model_copy(update={"name": "grant_flat"}), "J. Smith")
    with pytest.raises(StoreError) as caught:
        store.load(name, version)  # type: ignore[arg-type]
    assert str(caught.value) == words
    assert isinstance(caught.value, PlanlibError)
    assert caught.value.name == name


def test_missing_from_an_empty_store_says_it_is_empty(store: ScenarioStore) -> None:
    with pytest.raises(StoreError, match=r"no saved scenario is named 'anything'; the store .* is empty"):
        store.load("anything")


# --------------------------------------------------------------------------- authors and text are data


@pytest.mark.parametrize(
    ("author", "words"),
    [
        ("", "author must not be empty"),
        ("   ", "author must not be empty"),
        ("x" * 201, "author is 201 characters long; at most 200 are allowed"),
        ("two\nlines", "author must be a single line of text without control characters"),
        (None, "author must be text (the name of the person saving), got NoneType"),
    ],
)
def test_bad_author_is_refused(store: ScenarioStore, author: object, words: str) -> None:
    with pytest.raises(StoreError, match=words.replace("(", r"\(").replace(")", r"\)")):
        store.save(PRECEPT, author=author)  # type: ignore[arg-type]
    assert store.list().empty


def test_longest_author_is_accepted(store: ScenarioStore) -> None:
    store.save(PRECEPT, author="y" * 200)
    assert store.list()["author"].tolist() == ["y" * 200]


def test_sql_like_text_is_stored_verbatim(store: ScenarioStore) -> None:
    hostile = "O'Brien\"; DROP TABLE planlib_scenarios; --"
    odd = Scenario(
        name="Robert.O-Brien_x",  # a scenario name is an identifier: letters, digits, _ . -
        description=f"Robert'); DELETE FROM planlib_scenarios WHERE ('1'='1 {hostile} £ é",
        source="' OR 1=1 --",
        changes={"finance.pay_award": {"2022/23": 0.04}},
    )
    assert store.save(odd, author=hostile) == 1
    assert store.save(odd, author=hostile) == 2

    assert store.load("Robert.O-Brien_x") == odd
    listed = store.list()
    assert listed["author"].tolist() == [hostile, hostile]
    assert listed["description"].tolist() == [odd.description, odd.description]
    # Looking up an SQL-ish name finds nothing and harms nothing.
    with pytest.raises(StoreError, match="no saved scenario is named"):
        store.load("x' OR '1'='1")
    assert len(store.list()) == 2


# --------------------------------------------------------------------------- where the store is


def test_planlib_store_path_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "shared" / "opcc.db"
    monkeypatch.setenv("PLANLIB_STORE", str(target))
    with ScenarioStore() as store:
        assert store.url == f"sqlite:///{target}"
        store.save(PRECEPT, "J. Smith")
    assert target.is_file()
    assert sqlite3.connect(target).execute("select count(*) from planlib_scenarios").fetchone() == (1,)


def test_planlib_store_url_is_honoured(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "by_url.db"
    monkeypatch.setenv("PLANLIB_STORE", f"sqlite:///{target}")
    with ScenarioStore() as store:
        store.save(PRECEPT, "J. Smith")
    with ScenarioStore(f"sqlite:///{target}") as again:
        assert again.load("precept_plus_15") == PRECEPT


def test_default_is_the_user_data_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PLANLIB_STORE", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    with ScenarioStore() as store:
        store.save(PRECEPT, "J. Smith")
    assert (tmp_path / "xdg" / "planlib" / "scenarios.db").is_file()

    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_url({"HOME": str(tmp_path)}) == f"sqlite:///{tmp_path}/.local/share/planlib/scenarios.db"
    assert default_url({"HOME": str(tmp_path), "XDG_DATA_HOME": "relative/ignored"}) == (
        f"sqlite:///{tmp_path}/.local/share/planlib/scenarios.db")


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("not a url", "'not a url' is not a database URL"),
        ("nosuchdb://host/db", "cannot open the scenario store nosuchdb://host/db"),
    ],
)
def test_bad_url_is_a_store_error(url: str, words: str) -> None:
    with pytest.raises(StoreError, match=words):
        ScenarioStore(url)


def test_unopenable_file_is_a_store_error(tmp_path: Path) -> None:
    folder = tmp_path / "a_folder.db"
    folder.mkdir()  # a folder where the database file should be
    with pytest.raises(StoreError, match="cannot open the scenario store .*a_folder.db"):
        ScenarioStore(f"sqlite:///{folder}")


def test_password_is_never_shown() -> None:
    # Fails either way (no PostgreSQL driver, or nothing listening on port 1); neither says the password.
    with pytest.raises(StoreError) as caught:
        ScenarioStore("postgresql://finance:secret@127.0.0.1:1/opcc")
    assert "cannot open the scenario store postgresql://finance:***@127.0.0.1:1/opcc" in str(caught.value)
    assert "secret" not in str(caught.value)
    assert repr(ScenarioStore("sqlite://")) == "ScenarioStore('sqlite://')"


# --------------------------------------------------------------------------- retries


def test_a_writer_that_loses_the_race_tries_the_next_version(
    store: ScenarioStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.save(PRECEPT, "J. Smith")
    real = store._next_version
    calls: list[int] = []

    def stale_once(connection, name):  # as if another writer saved between our read and insert
        calls.append(1)
        return 1 if len(calls) == 1 else real(connection, name)

    monkeypatch.setattr(store, "_next_version", stale_once)
    assert store.save(revision(PRECEPT, "second"), "J. Smith") == 2
    assert len(calls) == 2
    assert store.list()["version"].tolist() == [1, 2]
    assert store.load("precept_plus_15", 1) == PRECEPT


def test_retries_are_bounded(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    store = ScenarioStore(database_url, save_attempts=3)
    store.save(PRECEPT, "J. Smith")
    calls: list[int] = []

    def always_stale(connection, name):
        calls.append(1)
        return 1

    monkeypatch.setattr(store, "_next_version", always_stale)
    with pytest.raises(StoreError, match=r"could not save scenario 'precept_plus_15' after 3 attempts .*"
                                         r"please try again"):
        store.save(PRECEPT, "J. Smith")
    assert len(calls) == 3
    assert store.list()["version"].tolist() == [1]


def test_a_locked_database_waits_then_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    store = ScenarioStore(f"sqlite:///{path}", busy_timeout=0.05, save_attempts=2)
    other_writer = sqlite3.connect(path, isolation_level=None)
    other_writer.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(StoreError, match="after 2 attempts .*database is locked"):
            store.save(PRECEPT, "J. Smith")
        assert store.list().empty  # readers are not blocked by a waiting writer
    finally:
        other_writer.execute("ROLLBACK")
        other_writer.close()
    assert store.save(PRECEPT, "J. Smith") == 1


# --------------------------------------------------------------------------- concurrent writers

WORKERS = 4
SAVES_EACH = 25


def _save_many(url: str, start, results, worker: int) -> None:
    """Run in a separate process: open the store, wait for the others, then save repeatedly."""
    try:
        store = ScenarioStore(url)
        start.wait(timeout=120)
        versions = [
            store.save(revision(PRECEPT, f"worker {worker} save {n}"), author=f"worker {worker}")
            for n in range(SAVES_EACH)
        ]
        results.put((worker, versions, None))
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put((worker, [], repr(exc)))


def test_concurrent_writers_neither_lose_nor_duplicate_versions(database_url: str) -> None:
    # The store is new: the workers also race to create its table.
    url = database_url
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(WORKERS)
    results = context.Queue()
    processes = [
        context.Process(target=_save_many, args=(url, start, results, worker), daemon=True)
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    reports = {}
    try:
        for _ in processes:
            worker, versions, error = results.get(timeout=180)
            assert error is None, f"worker {worker} failed: {error}"
            reports[worker] = versions
    except queue.Empty:
        pytest.fail(f"workers did not all finish; reports from {sorted(reports)}")
    finally:
        for process in processes:
            process.join(timeout=30)
            if process.is_alive():
                process.kill()
    assert [process.exitcode for process in processes] == [0] * WORKERS

    every = sorted(v for versions in reports.values() for v in versions)
    assert every == list(range(1, WORKERS * SAVES_EACH + 1))
    for versions in reports.values():
        assert versions == sorted(versions)  # each worker's own saves come out in order

    with ScenarioStore(url) as store:
        listed = store.list()
        assert listed["version"].tolist() == list(range(1, WORKERS * SAVES_EACH + 1))
        assert set(listed["name"]) == {"precept_plus_15"}
        # Each version holds exactly what the worker that got that number saved.
        authors = listed.set_index("version")["author"]
        for worker, versions in reports.items():
            assert (authors.loc[versions] == f"worker {worker}").all()
            for n, version in enumerate(versions):
                assert store.load("precept_plus_15", version).description == f"worker {worker} save {n}"


# --------------------------------------------------------------------------- names in ordinary words


def test_a_name_in_ordinary_words_is_kept_as_typed_and_case_or_spacing_finds_it(store: ScenarioStore) -> None:
    assert store.save(PRECEPT, "J. Smith", name="  Precept  plus 15 – Panel’s view ") == 1
    assert store.save(PRECEPT, "J. Smith", name="PRECEPT plus 15 – panel’s VIEW") == 2
    assert store.list()["name"].tolist() == ["Precept plus 15 – Panel’s view"] * 2
    assert store.saved_name("precept plus 15 – panel’s view") == "Precept plus 15 – Panel’s view"
    assert store.load("precept   PLUS 15 – Panel’s view", version=1) == PRECEPT
    assert store.load("Precept plus 15 – Panel’s view").name == "precept_plus_15"  # the record keeps its id


@pytest.mark.parametrize("name, says", [
    ("two\nlines", "control characters"), ("", "give the scenario a name"), ("x" * 65, "at most 64"),
    ("=1+1", "starts with a letter or a digit"), ("a<b", "ordinary words"), ("baseline", "the plan itself"),
])
def test_a_bad_name_is_refused_by_the_store_itself(store: ScenarioStore, name: str, says: str) -> None:
    with pytest.raises(StoreError, match=says):
        store.save(PRECEPT, "J. Smith", name=name)
    assert store.list().empty
