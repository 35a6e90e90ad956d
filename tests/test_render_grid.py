"""The table layout behind list, status, show, log and compare: widths, folding, alignment."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from sdpolicy.render import grid
from sdpolicy.render.grid import Column

COLUMNS = [Column("ID", fold=False), Column("Title"), Column("Count", right=True, fold=False)]


def texts(lines: list[grid.Line]) -> list[str]:
    return grid.plain(lines).splitlines()


def test_piped_rows_are_one_line_each_with_a_rule_under_the_header():
    rows = [["A-1", "a title", "7"], ["B-22", "继续推进重点企业", "1200"]]
    assert texts(grid.draw(COLUMNS, rows, grid.PIPE)) == [
        "ID   | Title            | Count",
        "-----+------------------+------",
        "A-1  | a title          |     7",
        "B-22 | 继续推进重点企业 |  1200",
    ]


def test_nothing_trails_the_last_cell():
    rows = [["A-1", "a much longer title than the header", "7"]]
    lines = texts(grid.draw([Column("ID"), Column("Title")], [row[:2] for row in rows], grid.PIPE))
    assert lines[0] == "ID  | Title"
    assert all(line == line.rstrip() for line in lines)


def test_a_newline_in_a_cell_continues_the_row_on_the_next_line_and_tabs_become_spaces():
    # On a terminal. Piped, a row stays one line (issue 10): the line break shows as \x0a.
    lines = texts(grid.draw(COLUMNS, [["A-1", "first\nsecond\tpart", "3"]], grid.TERMINAL))
    # Title is as wide as "second  part" (12), Count as its header (5).
    assert lines[2:] == [
        "A-1  " + "first".ljust(12) + "  " + "    3",
        "     second  part",
    ]
    lines = texts(grid.draw(COLUMNS, [["A-1", "first\nsecond\tpart | x", "3"]], grid.PIPE))
    # "first\x0asecond" is 15 characters: the tab pads to 16 with one space, then "part \x7c x".
    assert lines[2:] == ["A-1 | first\\x0asecond part \\x7c x |     3"]


def test_styles_stay_on_their_cells_and_header_style_on_headers():
    lines = grid.draw(COLUMNS, [["A-1", ("red text", "bold red"), "3"]], grid.TERMINAL)
    styled = {(text, style) for line in lines for text, style in line if style}
    assert styled == {("ID", "bold"), ("Title", "bold"), ("Count", "bold"), ("red text", "bold red")}


def test_a_narrow_terminal_folds_the_text_columns_at_word_boundaries():
    rows = [["A-1", "Continue the IT retrofit of 200 key enterprises", "200"]]
    lines = texts(grid.draw(COLUMNS, rows, grid.TERMINAL, width=30))
    assert lines == [
        "ID   Title               Count",
        "───  ──────────────────  ─────",
        "A-1  Continue the IT       200",
        "     retrofit of 200",
        "     key enterprises",
    ]


def test_chinese_folds_anywhere_and_counts_two_cells_a_character():
    rows = [["A-1", "继续推进二百家重点企业的信息技术改造", "200"]]
    # 25 cells less the ID, the count and two gaps leave 13 for the title: six characters a line.
    lines = texts(grid.draw(COLUMNS, rows, grid.TERMINAL, width=25))
    assert lines[2:] == ["A-1  继续推进二百     200", "     家重点企业的", "     信息技术改造"]


def test_a_word_longer_than_the_column_is_cut_where_the_line_is_full():
    rows = [["A-1", "x" * 20 + " tail", "1"]]
    lines = texts(grid.draw(COLUMNS, rows, grid.TERMINAL, width=22))
    assert lines[2:] == ["A-1  xxxxxxxxxx      1", "     xxxxxxxxxx", "     tail"]


def test_columns_that_must_not_fold_keep_their_width_even_when_the_table_cannot_fit():
    rows = [["LONG-IDENTIFIER-1", "title", "123456"]]
    lines = texts(grid.draw(COLUMNS, rows, grid.TERMINAL, width=10))
    assert lines[2].startswith("LONG-IDENTIFIER-1  ")
    assert lines[2].endswith("123456")


def test_wide_columns_shrink_together():
    columns = [Column("A"), Column("B")]
    rows = [["a" * 10 + " " + "a" * 10, "b" * 10 + " " + "b" * 10]]
    widths = [cell_len(cell) for cell in texts(grid.draw(columns, rows, grid.TERMINAL, width=32))[1].split("  ")]
    assert widths == [15, 15]


def test_pairs_have_no_header_and_line_up_their_values():
    lines = texts(grid.draw([Column("", fold=False), Column("")], [["Area", "x"], ["Deadline", "y"]], grid.PAIRS))
    assert lines == ["Area      x", "Deadline  y"]


words = st.text(alphabet=st.sampled_from("ab 中文,-"), max_size=60)


@given(cells=st.lists(st.tuples(words, words), min_size=1, max_size=5), width=st.integers(30, 120))
def test_a_folded_table_fits_its_width_and_keeps_every_non_space_character(cells, width):
    columns = [Column("ID", fold=False), Column("One"), Column("Two")]
    rows = [[f"R{i}", one, two] for i, (one, two) in enumerate(cells)]
    lines = texts(grid.draw(columns, rows, grid.TERMINAL, width=width))
    assert all(cell_len(line) <= width for line in lines)
    shown = "".join(lines[2:]).replace(" ", "")
    assert sorted(shown) == sorted("".join(f"R{i}{one}{two}" for i, (one, two) in enumerate(cells)).replace(" ", ""))


def test_control_characters_are_shown_as_escapes_and_laid_out_at_their_shown_width():
    rows = [["A-1", "red\x1b[31m!\x07", "1"], ["B-2", "plain", "2"]]
    lines = texts(grid.draw(COLUMNS, rows, grid.PIPE))
    assert lines[2] == "A-1 | red\\x1b[31m!\\x07 |     1"
    assert lines[3] == "B-2 | plain            |     2"  # the columns line up with the escapes as shown
    assert "\x1b" not in "".join(lines) and "\x07" not in "".join(lines)


def test_a_chinese_line_never_starts_with_a_comma_or_a_closing_mark():
    rows = [["A-1", "争取建成覆盖党委、人大、政府", "1"]]
    # Eight characters a line would put "、" first on the second line: "委" goes down with it.
    lines = texts(grid.draw([Column("ID", fold=False), Column("T")], [row[:2] for row in rows], grid.TERMINAL, width=21))
    body = [line[5:] for line in lines[2:]]
    assert body == ["争取建成覆盖党", "委、人大、政府"]
    assert not any(line.lstrip()[:1] in "、，。）》" for line in body)
