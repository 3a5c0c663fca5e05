"""Code blocks follow the new English and keep the translators' comments and docstrings."""

from __future__ import annotations

from itertools import product

import pytest

from amts.update.code import _scan_comment, merge_code, split_comment


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("x = 1  # one", ("x = 1  ", "# one"), id="trailing comment"),
        pytest.param("# only a comment", ("", "# only a comment"), id="comment line"),
        pytest.param("x = 1", ("x = 1", ""), id="no comment"),
        pytest.param('s = "a#b"', ('s = "a#b"', ""), id="hash in double quotes"),
        pytest.param("s = 'a#b'  # c", ("s = 'a#b'  ", "# c"), id="hash in single quotes"),
        pytest.param(r"s = 'it\'s#'  # c", (r"s = 'it\'s#'  ", "# c"), id="escaped quote"),
        pytest.param('"""Doc # not comment."""', ('"""Doc # not comment."""', ""), id="docstring"),
        pytest.param("#@tab all", ("#@tab all", ""), id="tab marker is code"),
        pytest.param("def f():  #@save", ("def f():  #@save", ""), id="save marker is code"),
        pytest.param("f()  #@save  # keep", ("f()  #@save  ", "# keep"), id="save then comment"),
    ],
)
def test_split_comment(line, expected):
    """A ``#`` starts a comment only outside string literals and d2l's ``#@`` markers."""
    assert split_comment(line) == expected


def test_split_comment_shortcuts_agree_with_the_scan():
    """Lines without a ``#`` or without quotes skip the character scan: same answers, on
    every line of up to six characters over the characters that matter."""
    alphabet = "#@'\"\\ x"
    lines = ["".join(chars) for size in range(7) for chars in product(alphabet, repeat=size)]
    assert len(lines) > 100_000
    for line in lines:
        assert split_comment(line) == _scan_comment(line), line


@pytest.mark.parametrize(
    ("new_english", "old_translation", "expected"),
    [
        pytest.param(
            "x = 1  # Set x\ny = 2\n",
            "x = 1  # 设置x\ny = 1\n",
            "x = 1  # 设置x\ny = 2\n",
            id="comment kept on an unchanged code line",
        ),
        pytest.param(
            "x = 2  # Set x\n",
            "x = 1  # 设置x\n",
            "x = 2  # Set x\n",
            id="changed code line: English, comment included",
        ),
        pytest.param(
            "import math\n# Compute it\nprint(math.pi)\n",
            "import math\nprint(math.pi)\n",
            "import math\n# Compute it\nprint(math.pi)\n",
            id="new comment line stays English",
        ),
        pytest.param(
            "# Column names\nnames = ['a', 'b']\n",
            "# 列名\nnames = ['a']\n",
            "# 列名\nnames = ['a', 'b']\n",
            id="translated comment line kept beside a changed line",
        ),
        pytest.param(
            "x = 1  # Set x\n",
            "x = 1\n",
            "x = 1  # Set x\n",
            id="comment added by the English: English",
        ),
        pytest.param(
            "x = 1\n",
            "x = 1  # 设置x\n",
            "x = 1\n",
            id="comment removed by the English: removed",
        ),
        pytest.param(
            'def f():\n    """Return one."""\n    return 1\n',
            'def f():\n    """返回一。"""\n    return 1\n',
            'def f():\n    """返回一。"""\n    return 1\n',
            id="translated docstring kept",
        ),
        pytest.param(
            'def g(x):\n    """Return one."""\n    return x\n',
            'def f():\n    """返回一。"""\n    return 1\n',
            'def g(x):\n    """返回一。"""\n    return x\n',
            id="translated docstring kept among changed lines",
        ),
        pytest.param(
            "for i in range(3):\n        x = i  # Loop\n",
            "for i in range(3):\n    x = i  # 循环\n",
            "for i in range(3):\n        x = i  # 循环\n",
            id="indentation of a code line from the English",
        ),
        pytest.param(
            "if a:\n    # Only if a\n    b = 2\n",
            "if a:\n# 仅当a\n    b = 1\n",
            "if a:\n    # 仅当a\n    b = 2\n",
            id="indentation of a comment line from the English",
        ),
        pytest.param(
            'print("# 1")  # Print\n',
            'print("# 1")  # 打印\n',
            'print("# 1")  # 打印\n',
            id="hash inside a string is code",
        ),
        pytest.param(
            'print("# 2")  # Print\n',
            'print("# 1")  # 打印\n',
            'print("# 2")  # Print\n',
            id="string with a hash changed: English",
        ),
        pytest.param(
            "#@tab pytorch\nx = 1  # One\n",
            "#@tab all\nx = 1  # 一\n",
            "#@tab pytorch\nx = 1  # 一\n",
            id="tab line follows the English",
        ),
        pytest.param(
            "#@tab all\r\nx = 1  # One\r\ny = 3\r\n",
            "#@tab all\r\nx = 1  # 一\r\ny = 2\r\n",
            "#@tab all\r\nx = 1  # 一\r\ny = 3\r\n",
            id="CRLF line endings kept",
        ),
        pytest.param(
            "x = 1  # One\r\n",
            "x = 1  # 一\n",
            "x = 1  # 一\r\n",
            id="line ending from the English",
        ),
        pytest.param(
            "x = 1  # One\nx = 1  # One\n",
            "x = 1  # 一\n",
            "x = 1  # 一\nx = 1  # One\n",
            id="duplicated line: the copy is English",
        ),
        pytest.param(
            "x = 1\n",
            "x = 1\n# 多余的注释\n",
            "x = 1\n",
            id="comment line the English does not have: dropped",
        ),
        pytest.param(
            "```python\nx = 1\n```",
            "```python\nx = 1  # 一\n```",
            "```python\nx = 1\n```",
            id="fence without final line break",
        ),
    ],
)
def test_merge_code(new_english, old_translation, expected):
    """The code is the new English's; translated comments survive only on matching lines."""
    assert merge_code(new_english, old_translation) == expected


@pytest.mark.parametrize(
    ("new_english", "old_translation", "expected"),
    [
        pytest.param(
            "def f():\n    # Return one\n    return 1\n",
            'def f():\n    """返回一。"""\n    return 1\n',
            "def f():\n    # Return one\n    return 1\n",
            id="docstring does not replace a comment",
        ),
        pytest.param(
            'def f():\n    """Return one."""\n    return 1\n',
            "def f():\n    # 返回一\n    return 1\n",
            'def f():\n    """Return one."""\n    return 1\n',
            id="comment does not replace a docstring",
        ),
    ],
)
def test_docstring_and_comment_lines_do_not_stand_in_for_each_other(
    new_english, old_translation, expected
):
    """A docstring is code (a string the program sees): a comment never turns into one, nor
    one into a comment."""
    assert merge_code(new_english, old_translation) == expected


@pytest.mark.parametrize(
    ("new_english", "old_translation", "old_english", "expected"),
    [
        pytest.param(
            "x = 1  # Set x to one\n",
            "x = 1  # Set x\n",
            "x = 1  # Set x\n",
            "x = 1  # Set x to one\n",
            id="comment left in English follows the English",
        ),
        pytest.param(
            "# Load the table\ndf = read()\n",
            "# Read the table\ndf = read()\n",
            "# Read the table\ndf = read()\n",
            "# Load the table\ndf = read()\n",
            id="comment line left in English follows the English",
        ),
        pytest.param(
            'def f():\n    """Return the answer."""\n    return 42\n',
            'def f():\n    """Return one."""\n    return 42\n',
            'def f():\n    """Return one."""\n    return 42\n',
            'def f():\n    """Return the answer."""\n    return 42\n',
            id="docstring left in English follows the English",
        ),
        pytest.param(
            "# Load the table\ndf = read()  # Read it all\n",
            "# 读取表格\ndf = read()  # Read it\n",
            "# Read the table\ndf = read()  # Read it\n",
            "# 读取表格\ndf = read()  # Read it all\n",
            id="translated line kept, untranslated one follows, in one block",
        ),
    ],
)
def test_lines_left_in_english_follow_the_english(
    new_english, old_translation, old_english, expected
):
    """A line of the old translation equal to a line of the old English was never
    translated: it takes the new English line."""
    assert merge_code(new_english, old_translation, old_english) == expected
