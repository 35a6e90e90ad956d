"""`mark --from FILE`: every row recorded in one write, or none; each problem placed in the file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sdpolicy import store
from sdpolicy.cli import app
from sdpolicy.store import read_records


def write(tmp_path: Path, text: str, name: str = "returns.csv", bom: bool = False) -> Path:
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def test_every_row_is_recorded_in_order(cli, tmp_path, sdpolicy_home):
    path = write(tmp_path, 'id,value,state,date,note,by\nIND-01,120,,2006-05-01,"first, batch",省经贸委\nENV-05,,in-progress,2006-05-02,,\n')
    result = cli("mark", "--from", str(path))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.count("recorded r-") == 2
    records = read_records(sdpolicy_home)
    assert [(r.item, r.value, r.state, r.date.isoformat(), r.note, r.by) for r in records] == [
        ("IND-01", 120, None, "2006-05-01", "first, batch", "省经贸委"),
        ("ENV-05", None, "in-progress", "2006-05-02", "", ""),
    ]
    # One moment for the whole batch; the file's order is the log's.
    assert records[0].recorded_at == records[1].recorded_at and records[0].line < records[1].line


def test_a_bad_row_anywhere_records_nothing(cli, mark, tmp_path, store_file):
    mark("IND-01", "--value", "5", "--date", "2006-04-01")
    before = store_file.read_bytes()
    # Row 4 (the third record) is negative: column 8 is where its value starts (I-N-D---0-1-, = 7).
    path = write(tmp_path, "id,value\nIND-01,10\nIND-06,3\nIND-01,-5\n")
    result = cli("mark", "--from", str(path))
    assert result.exit_code == 2
    assert result.stderr == f"Error: {path}:4:8: value -5 for task IND-01 is negative; give 0 or more\n"
    assert store_file.read_bytes() == before


@pytest.mark.parametrize(
    "text, place, words",
    [
        ("id,value\nIND-99,3\n", "2:1", "unknown task or indicator 'IND-99'"),
        ("id,value,date\nIND-01,3,2006-02-30\n", "2:10", "date '2006-02-30' is not a real date"),
        ("id,value,colour\n", "1:10", "unknown column 'colour'"),
        ("value,date\n3,2006-01-01\n", "1:1", "no 'id' column"),
        ("id,value\nIND-01,3,extra\n", "2:10", "this row has 3 fields but the first line names 2 columns"),
        ('id,value\n"IND-01,3\n', "2:1", "this line is not a CSV row"),
        ("id,value\nIND-01,\n", "2:1", "nothing to record for task IND-01"),
        ("id,value,id\n", "1:10", "the column 'id' is named twice"),
    ],
)
def test_each_problem_names_its_place(cli, tmp_path, store_file, text, place, words):
    path = write(tmp_path, text)
    result = cli("mark", "--from", str(path))
    assert result.exit_code != 0 and not store_file.exists()
    assert result.stderr.startswith(f"Error: {path}:{place}: {words}"), result.stderr
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


def test_stdin_chinese_columns_and_the_byte_order_mark_excel_writes(sdpolicy_home):
    data = "\ufeff编号,数值,日期,填报单位\nIND-01,120,2006-06-30,\n".encode("utf-8")
    result = CliRunner().invoke(app, ["mark", "--from", "-", "--by", "济南市"], input=data)
    assert result.exit_code == 0, result.stderr
    (record,) = read_records(sdpolicy_home)
    # --by stands for the row that gives no unit.
    assert (record.item, record.value, record.by) == ("IND-01", 120, "济南市")


def test_the_options_of_one_record_are_refused_beside_from(cli, tmp_path):
    path = write(tmp_path, "id,value\nIND-01,3\n")
    result = cli("mark", "IND-01", "--from", str(path), "--value", "3")
    assert result.exit_code == 2
    assert result.stderr == "Error: --from takes every record from the file; leave out an ID and --value\n"
    assert cli("mark").stderr == "Error: name the task or indicator to record, or give --from FILE\n"


def test_a_file_without_rows_or_missing_records_nothing(cli, tmp_path, store_file):
    assert cli("mark", "--from", str(write(tmp_path, "id,value\n\n"))).exit_code == 65
    result = cli("mark", "--from", str(tmp_path / "nowhere.csv"))
    assert result.exit_code == 66 and "does not exist" in result.stderr
    assert not store_file.exists()


def test_the_batch_is_one_append(cli, tmp_path, monkeypatch):
    calls = []
    real = store.append_records
    monkeypatch.setattr(store, "append_records", lambda home, records, **kw: calls.append(len(list(records))) or real(home, records, **kw))
    rows = "".join(f"IND-01,{n},2006-05-{n:02d}\n" for n in range(1, 31))
    assert cli("mark", "--from", str(write(tmp_path, "id,value,date\n" + rows))).exit_code == 0
    assert calls == [30]


def test_warnings_weigh_each_row_against_the_rows_before_it(cli, tmp_path):
    # 150 then 100 a month later: a cumulative count that falls, though the store held neither.
    path = write(tmp_path, "id,value,date\nIND-01,150,2006-05-31\nIND-01,100,2006-06-30\n")
    result = cli("mark", "--from", str(path))
    assert result.exit_code == 0
    assert result.stderr.count("Warning") == 1 and "IND-01: 100" in result.stderr
