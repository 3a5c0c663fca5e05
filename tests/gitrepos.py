"""Real git repositories for the sync tests, built in a tmp dir with the git command line.

An English book (from ``examples/book/en`` plus two small sections), its Chinese
translation in d2l-zh's layout (``X.md`` beside ``X_origin.md``) and a Portuguese one in
d2l-pt's (same paths, no origin files). Each repo sets its own user and email and never
signs, whatever the machine's global git configuration says.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "book"
BASICS = "chapter_basics"

LINEAR_EN = """\
# Linear Regression
:label:`sec_linear`

Linear regression predicts a number from features.
It fits a line to the data.
"""
LINEAR_ZH = """\
# 线性回归
:label:`sec_linear`

线性回归根据特征预测一个数值。
它用一条直线拟合数据。
"""
DATA_EN = """\
# Data
:label:`sec_data`

Data comes in tables.
Each row is one example.
"""
DATA_ZH = """\
# 数据
:label:`sec_data`

数据以表格的形式出现。
每一行是一个样本。
"""
#: A new English section: a sentence the zh memory knows, others it does not.
AUTOGRAD_EN = """\
# Automatic Differentiation
:label:`sec_autograd`

A tensor is an array with any number of axes.
Gradients tell us how to change the parameters.

```{.python .input}
#@tab pytorch
x.requires_grad_(True)
```

* Elementwise operations keep the shape of their inputs.
* Backpropagation computes every gradient at once.
"""

PT = {
    f"{BASICS}/index.md": """\
# Fundamentos
:label:`chap_basics`

Este capítulo apresenta as ferramentas que usamos ao longo do livro.
Começamos com tensores, a estrutura de dados sobre a qual todo modelo é construído,
e depois vemos como um modelo aprende a partir de dados.

```toc
:maxdepth: 2

tensors
```
""",
    f"{BASICS}/tensors.md": """\
# Tensores
:label:`sec_tensors`

Um *tensor* é uma matriz de números com qualquer número de eixos.
Um vetor tem um eixo, por exemplo, uma lista de preços,
e uma matriz tem dois eixos.
Escrevemos $\\mathbf{x} \\in \\mathbb{R}^n$ para um vetor de comprimento $n$.

## Criando Tensores

Para criar um tensor, chamamos `arange`.
Ele retorna valores uniformemente espaçados no intervalo $[0, n)$.

```{.python .input}
#@tab pytorch
import torch

x = torch.arange(12, dtype=torch.float32)  # 12 values
x
```

Podemos verificar o número de elementos com `numel`.
A forma está disponível como um atributo.

```{.python .input}
#@tab pytorch
x.numel(), x.shape
```

## Operações

Operações elemento a elemento aplicam uma função escalar a cada elemento.
Para dois tensores da mesma forma, a soma é

$$\\mathbf{c} = \\mathbf{a} + \\mathbf{b}.$$
:eqlabel:`eq_sum`

Como :eqref:`eq_sum` mostra, o resultado tem a mesma forma das entradas.
:numref:`fig_broadcast` mostra o que acontece quando as formas diferem.

![A transmissão copia um tensor ao longo dos eixos que lhe faltam.](../img/broadcast.svg)
:label:`fig_broadcast`
:width:`300px`

:begin_tab:`pytorch`
No PyTorch, a transmissão segue as regras do NumPy :cite:`Harris.2020`.
:end_tab:

## Resumo

* Um tensor é uma matriz com qualquer número de eixos.
* Operações elemento a elemento mantêm a forma de suas entradas.

## Exercícios

1. Crie um tensor com 24 elementos e transforme-o em uma matriz.
1. O que acontece quando você soma um vetor a uma matriz?
""",
    f"{BASICS}/linear.md": """\
# Regressão Linear
:label:`sec_linear`

A regressão linear prevê um número a partir de características.
Ela ajusta uma reta aos dados.
""",
    f"{BASICS}/data.md": """\
# Dados
:label:`sec_data`

Os dados vêm em tabelas.
Cada linha é um exemplo.
""",
}


class GitDir:
    """A git repository in a directory, driven by the git command line."""

    def __init__(self, path: Path, name: str = "Test Author") -> None:
        self.path = path
        path.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")
        self.git("config", "user.name", name)
        self.git("config", "user.email", f"{name.lower().replace(' ', '.')}@example.com")
        self.git("config", "commit.gpgsign", "false")

    def git(self, *args: str) -> str:
        return self.run(*args).stdout.decode("utf-8").strip()

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run(
            ["git", "-C", str(self.path), *args], capture_output=True, check=check
        )

    def write(self, relative: str, content: str | bytes) -> None:
        path = self.path / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)

    def read(self, relative: str) -> bytes:
        return (self.path / relative).read_bytes()

    def edit(self, relative: str, old: str, new: str) -> None:
        text = self.read(relative).decode("utf-8")
        assert old in text, f"{old!r} not in {relative}"
        self.write(relative, text.replace(old, new, 1))

    def remove(self, relative: str) -> None:
        self.git("rm", "-q", relative)

    def move(self, old: str, new: str) -> None:
        (self.path / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def commit(self, message: str) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "-m", message)
        return self.rev("HEAD")

    def rev(self, rev: str) -> str:
        return self.git("rev-parse", "--verify", rev + "^{commit}")

    def show(self, rev: str, path: str) -> bytes | None:
        done = self.run("show", f"{rev}:{path}", check=False)
        return done.stdout if done.returncode == 0 else None

    def files(self, rev: str) -> set[str]:
        return set(filter(None, self.git("ls-tree", "-r", "-z", "--name-only", rev).split("\0")))

    def branches(self) -> list[str]:
        return self.git("for-each-ref", "--format=%(refname:short)", "refs/heads").splitlines()

    def snapshot(self) -> dict[str, object]:
        """Everything a sync must leave as it was: checkout, index, tree, refs."""
        index = hashlib.sha256((self.path / ".git" / "index").read_bytes()).hexdigest()
        # --no-optional-locks: git status must not refresh the index it is checking.
        status = self.git("--no-optional-locks", "status", "--porcelain", "--untracked-files=all")
        return {
            "branch": self.git("symbolic-ref", "--short", "HEAD"),
            "head": self.rev("HEAD"),
            "status": status,
            "index": index,
            "refs": self.git("for-each-ref", "--format=%(refname) %(objectname)"),
            "files": {
                str(p.relative_to(self.path)): p.read_bytes()
                for p in self.path.rglob("*")
                if p.is_file() and ".git" not in p.relative_to(self.path).parts
            },
        }


def english_book(root: Path) -> GitDir:
    repo = GitDir(root / "d2l-en", "English Author")
    shutil.copytree(EXAMPLES / "en", repo.path, dirs_exist_ok=True)
    repo.write(f"{BASICS}/linear.md", LINEAR_EN)
    repo.write(f"{BASICS}/data.md", DATA_EN)
    repo.write("img/broadcast.svg", "<svg/>\n")
    repo.commit("English book")
    return repo


def zh_book(root: Path) -> GitDir:
    """d2l-zh's layout: every translation beside the English it was made from."""
    repo = GitDir(root / "d2l-zh", "Chinese Translator")
    shutil.copytree(EXAMPLES / "zh", repo.path, dirs_exist_ok=True)
    for name, english, chinese in (("linear", LINEAR_EN, LINEAR_ZH), ("data", DATA_EN, DATA_ZH)):
        repo.write(f"{BASICS}/{name}.md", chinese)
        repo.write(f"{BASICS}/{name}_origin.md", english)
    repo.commit("Chinese translation")
    return repo


def pt_book(root: Path) -> GitDir:
    """d2l-pt's layout: translations only, at the English paths."""
    repo = GitDir(root / "d2l-pt", "Portuguese Translator")
    for path, text in PT.items():
        repo.write(path, text)
    repo.commit("Portuguese translation")
    return repo


TENSORS = f"{BASICS}/tensors.md"
INDEX = f"{BASICS}/index.md"
NUMEL_OLD = "We can check the number of elements with `numel`."
NUMEL_NEW = "We can check the total number of elements with `numel`."


def change_english(repo: GitDir) -> str:
    """The second English revision: every kind of change a sync must carry."""
    repo.edit(TENSORS, NUMEL_OLD, NUMEL_NEW)
    repo.edit(TENSORS, "with 24 elements", "with 36 elements")
    repo.write(f"{BASICS}/autograd.md", AUTOGRAD_EN)
    repo.remove(f"{BASICS}/linear.md")
    repo.move(f"{BASICS}/data.md", "chapter_preliminaries/data.md")
    repo.write("img/broadcast.svg", "<svg><circle/></svg>\n")
    return repo.commit("Edit tensors, add autograd, drop linear, move data")


SOFTMAX = f"{BASICS}/softmax.md"
#: The English of a section at the sync's base revision.
SOFTMAX_EN = """\
# Softmax Regression
:label:`sec_softmax`

Softmax regression is used for classification.
It predicts the probability of each class.

## The Model

The model computes one score for each class.

$$\\hat{y} = \\mathrm{softmax}(o).$$

The largest probability names the predicted class.

## Loss

We train the model with the cross-entropy loss.
It measures how far the prediction is from the label.

## Summary

* Softmax turns scores into probabilities.
* Cross-entropy compares two distributions.
"""
#: The older English the translations follow: the first paragraph and the last list item
#: in an older form, the Loss section not there yet.
SOFTMAX_ORIGIN = """\
# Softmax Regression
:label:`sec_softmax`

Softmax regression is a model for classification problems.
It predicts the probability of each class.

## The Model

The model computes one score for each class.

$$\\hat{y} = \\mathrm{softmax}(o).$$

The largest probability names the predicted class.

## Summary

* Softmax turns scores into probabilities.
* Cross-entropy measures the difference between distributions.
"""
SOFTMAX_ZH = """\
# Softmax回归
:label:`sec_softmax`

Softmax回归是一个用于分类问题的模型。
它预测每个类别的概率。

## 模型

模型为每个类别计算一个分数。

$$\\hat{y} = \\mathrm{softmax}(o).$$

最大的概率给出预测的类别。

## 小结

* Softmax把分数变成概率。
* 交叉熵衡量分布之间的差异。
"""
SOFTMAX_PT = """\
# Regressão Softmax
:label:`sec_softmax`

A regressão softmax é um modelo para problemas de classificação.
Ela prevê a probabilidade de cada classe.

## O Modelo

O modelo calcula uma pontuação para cada classe.

$$\\hat{y} = \\mathrm{softmax}(o).$$

A maior probabilidade indica a classe prevista.

## Resumo

* A softmax transforma pontuações em probabilidades.
* A entropia cruzada mede a diferença entre distribuições.
"""
#: An English section at base that no translation has.
UNTRANSLATED = f"{BASICS}/untranslated.md"
UNTRANSLATED_EN = "# Not Translated Yet\n\nNobody has translated this section.\n"


def lagging_books(root: Path) -> tuple[GitDir, GitDir, GitDir]:
    """The sample book with a translation that lags its English, in both layouts, and an
    English section no translation has."""
    en, zh, pt = english_book(root), zh_book(root), pt_book(root)
    en.write(SOFTMAX, SOFTMAX_EN)
    en.write(UNTRANSLATED, UNTRANSLATED_EN)
    en.commit("Softmax section")
    zh.write(SOFTMAX, SOFTMAX_ZH)
    zh.write(SOFTMAX.replace(".md", "_origin.md"), SOFTMAX_ORIGIN)
    zh.commit("Softmax translated from an older English")
    pt.write(SOFTMAX, SOFTMAX_PT)
    pt.commit("Softmax translated from an older English")
    return en, zh, pt


def copy_book(path: Path, book: Path, author: str) -> GitDir:
    """A repository of a read-only book directory (``../shared/d2l/zh``), one commit."""
    repo = GitDir(path, author)
    shutil.copytree(book, path, dirs_exist_ok=True)
    subprocess.run(["chmod", "-R", "u+w", str(path)], check=True)
    repo.commit("The pinned book")
    return repo
