"""Symbol tables: reading, writing, mapping, and the errors for malformed files."""
import pytest

from toolkit.errors import InputError, ToolkitError
from toolkit.lang.symbols import SymbolTable, read_symbol_table, write_symbol_table


def test_round_trip_and_mapping(tmp_path):
    table = SymbolTable([("<eps>", 0), ("b", 2), ("a", 1), ("<UNK>", 5)], "words.txt")
    write_symbol_table(tmp_path / "words.txt", table)
    assert (tmp_path / "words.txt").read_text() == "<eps> 0\na 1\nb 2\n<UNK> 5\n"
    back = read_symbol_table(tmp_path / "words.txt")
    assert back.items() == table.items() and back.max_id == 5 and len(back) == 4
    assert back.ids(["a", "zz", "b"], oov="<UNK>") == [1, 5, 2]
    assert back.symbols([2, 1]) == ["b", "a"]
    with pytest.raises(ToolkitError, match="no symbol 'zz'"):
        back.ids(["zz"])
    with pytest.raises(ToolkitError, match="no symbol with id 3"):
        back.symbol(3)


@pytest.mark.parametrize(
    "content, message",
    [
        ("a 0\nb\n", ":2: expected 'symbol id'"),
        ("a 0\nb x\n", ":2: id of 'b' is not a non-negative integer"),
        ("a 0\na 1\n", ":2: symbol 'a' repeated (first on line 1)"),
        ("a 0\nb 0\n", ":2: id 0 repeated (first on line 1)"),
    ],
)
def test_malformed_tables_name_file_and_line(tmp_path, content, message):
    (tmp_path / "t.txt").write_text(content)
    with pytest.raises(InputError) as e:
        read_symbol_table(tmp_path / "t.txt")
    assert f"{tmp_path / 't.txt'}{message}" in str(e.value)
