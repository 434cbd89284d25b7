"""Compare two versions of one report: paragraphs, then words, then figures.

Pure functions over paragraph lists (no index, no UI, no I/O).

1. Paragraphs are normalised (casefold, whitespace collapsed, curly quotes
   straightened) and scored pairwise in one `rapidfuzz.process.cdist` call
   (`fuzz.ratio`, 0-100). An order-preserving alignment maximising the matched
   similarity is found by dynamic programming (Needleman-Wunsch with free gaps).
   A pair only counts from MATCH_THRESHOLD up; its gain is
   (score - MATCH_THRESHOLD + 1) x characters, so long, close pairs weigh most and
   a barely-passing pair never beats leaving a paragraph unmatched elsewhere.
   Re-wrapped text: one paragraph may match 2-3 consecutive paragraphs of the
   other side joined with a space (ratio >= JOIN_THRESHOLD); they form one block.
2. Unmatched paragraphs that still match (>= MATCH_THRESHOLD) an unmatched one on
   the other side out of order become "moved" blocks, placed at their position in
   b (best scores paired first). The rest are "only-a" / "only-b", consecutive
   ones grouped. Only-a/only-b blocks after the last shared (equal, changed,
   moved) block are labelled "likely comment section".
3. Inside changed (and edited moved) blocks, sentences are aligned the same
   way (a paragraph is often a whole article: FA-KES keeps each on one line),
   then words inside each pair of aligned sentences. A sentence one side
   inserted or removed is one `insert` / `delete` run of its own, and the
   sentences after it still meet their counterparts. Tokens are the
   whitespace-separated words with their punctuation attached ("militants,"),
   compared in normalised form but reported as written, so each side's text is
   rebuilt by joining its runs with single spaces.
4. Paragraphs left unmatched on both sides between the same shared blocks
   (a short wire story inside a longer article's one paragraph: too unlike as
   wholes) are aligned by sentence too; when sentences matched cover
   GAP_SHARE of the shorter side, they become one changed block.
5. Figures ("1,065 militants", "70%") and dates that differ inside a replaced
   word run of two aligned sentences are reported as FigureChange (paired by
   noun, "%" or "date", in order); a number that changed with no such noun is
   reported with noun "" when its replaced run is short (<= BARE_NUMBER_RUN
   words a side).

Diff.similarity: the share of the shorter text in the longer
(versions.detect.compare: 5-word shingles), the one figure `dupes` and the
versions list show for the pair. Two empty versions give 1.0. Titles and
metadata are not compared, only paragraphs. A block's own similarity ("84%
alike") is how alike its two sides are: fuzz.ratio of matched paragraphs, or
the matched sentences' share of a block aligned by sentence.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, replace
from typing import NamedTuple

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from ..entities.recognizer import DATE, FIGURE
from ..model import Article

MATCH_THRESHOLD = 60  # fuzz.ratio; unrelated news paragraphs score about 40-55
GAP_SHARE = 0.3  # of the shorter side's characters, in matched sentences, to pair a gap
JOIN_THRESHOLD = 90  # a re-wrapped paragraph is nearly the same text
MAX_JOIN = 3  # one paragraph may match up to 3 consecutive ones on the other side
BARE_NUMBER_RUN = 3  # words per side of a replaced run whose bare numbers are compared
COMMENT_LABEL = "likely comment section"
SHARED_OPS = frozenset({"equal", "changed", "moved"})

_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"',
                         "‘": "'", "’": "'", "‚": "'", "′": "'"})
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
PERCENT = re.compile(r"%|per\s*cent", re.IGNORECASE)


# -- results -----------------------------------------------------------------------

@dataclass(frozen=True)
class WordOp:
    op: str  # equal | delete | insert | replace
    a: str  # the run of words on side a ("" when none)
    b: str


@dataclass(frozen=True)
class Block:
    op: str  # equal | changed | only-a | only-b | moved
    a: tuple[str, ...]  # paragraph texts on side a (empty for only-b)
    b: tuple[str, ...]
    words: tuple[WordOp, ...] = ()  # for changed, and moved when edited
    label: str = ""
    similarity: float = 1.0  # 1 for equal, ratio / 100 for changed/moved, 0 for only-*
    a_index: tuple[int, ...] = ()  # paragraph numbers of `a`
    b_index: tuple[int, ...] = ()


@dataclass(frozen=True)
class FigureChange:
    noun: str  # "militants", "%", "date", or "" for a bare number
    a: str  # "1,065", "70%", "April 2"
    b: str
    block: int  # index into Diff.blocks

    @property
    def text(self) -> str:
        if self.noun == "date":
            return f"date: {self.a} -> {self.b}"
        if self.noun in ("", "%"):
            return f"{self.a} -> {self.b}"
        return f"{self.a} -> {self.b} {self.noun}"


@dataclass(frozen=True)
class Diff:
    a_id: str
    b_id: str
    similarity: float
    blocks: tuple[Block, ...]
    figures: tuple[FigureChange, ...]

    def to_json(self) -> dict:
        return {
            "a": self.a_id,
            "b": self.b_id,
            "similarity": round(self.similarity, 4),
            "blocks": [{
                "op": block.op,
                "a": list(block.a),
                "b": list(block.b),
                "words": [{"op": w.op, "a": w.a, "b": w.b} for w in block.words],
                "label": block.label,
                "similarity": round(block.similarity, 4),
            } for block in self.blocks],
            "figures": [{"noun": f.noun, "a": f.a, "b": f.b, "block": f.block, "text": f.text}
                        for f in self.figures],
        }


# -- public ------------------------------------------------------------------------

def diff_articles(a: Article, b: Article) -> Diff:
    return diff_paragraphs(a.paragraphs, b.paragraphs, a.id, b.id)


def diff_paragraphs(a: list[str], b: list[str], a_id: str = "a", b_id: str = "b") -> Diff:
    from .detect import compare_texts

    norm_a = [normalise(p) for p in a]
    norm_b = [normalise(p) for p in b]
    steps = _align(norm_a, norm_b)
    blocks = _label_trailing(_paired_gaps(_blocks(a, b, norm_a, norm_b, steps)))
    figures = tuple(change for number, block in enumerate(blocks) if block.words
                    for change in _figure_changes(block, number))
    similarity = compare_texts("\n\n".join(a), "\n\n".join(b)).containment if a or b else 1.0
    return Diff(a_id, b_id, similarity, tuple(blocks), figures)


def normalise(text: str) -> str:
    return " ".join(text.translate(_QUOTES).casefold().split())


def word_diff(a: str, b: str) -> tuple[WordOp, ...]:
    return tuple(op for op, *_ in _word_ops(a.split(), b.split()))


# -- paragraph alignment -------------------------------------------------------------

def _gain(score: float, chars: int) -> float:
    return (score - MATCH_THRESHOLD + 1) * chars


def _align(norm_a: list[str], norm_b: list[str], moves: bool = True) -> list[tuple]:
    """The alignment path in order: ("match", a_indexes, b_indexes, score),
    ("a", i) or ("b", j) for a paragraph left unmatched (and, with `moves`,
    ("moved", i, j, score): see _find_moves)."""
    n, m = len(norm_a), len(norm_b)
    if not n or not m:
        return [("a", i) for i in range(n)] + [("b", j) for j in range(m)]
    scores = process.cdist(norm_a, norm_b, scorer=fuzz.ratio,
                           score_cutoff=MATCH_THRESHOLD).tolist()
    len_a, len_b = [len(p) for p in norm_a], [len(p) for p in norm_b]
    # the matches that end just before (i, j): (a rows used, b rows used, score)
    matches_ending: dict[tuple[int, int], list[tuple[int, int, float]]] = {}
    for i in range(n):
        for j in range(m):
            if scores[i][j]:
                matches_ending.setdefault((i + 1, j + 1), []).append((1, 1, scores[i][j]))
    for ((a_start, a_end), (b_start, b_end)), score in _joined_matches(norm_a, norm_b).items():
        matches_ending.setdefault((a_end, b_end), []).append(
            (a_end - a_start, b_end - b_start, score))

    best = [[0.0] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(m + 1):
            if not i and not j:
                continue
            # a match wins ties over leaving a paragraph out
            value, choice = -1.0, None
            for used_a, used_b, score in matches_ending.get((i, j), ()):
                chars = sum(len_a[i - used_a:i]) + sum(len_b[j - used_b:j])
                candidate = best[i - used_a][j - used_b] + _gain(score, chars)
                if candidate > value:
                    value, choice = candidate, (used_a, used_b, score)
            if i and best[i - 1][j] > value:
                value, choice = best[i - 1][j], (1, 0, 0.0)
            if j and best[i][j - 1] > value:
                value, choice = best[i][j - 1], (0, 1, 0.0)
            best[i][j], back[i][j] = value, choice

    path, i, j = [], n, m
    while i or j:
        used_a, used_b, score = back[i][j]
        if used_a and used_b:
            path.append(("match", tuple(range(i - used_a, i)), tuple(range(j - used_b, j)), score))
        elif used_a:
            path.append(("a", i - 1))
        else:
            path.append(("b", j - 1))
        i, j = i - used_a, j - used_b
    path.reverse()
    return _find_moves(path, scores) if moves else path


def _joined_matches(norm_a: list[str], norm_b: list[str]) -> dict:
    """{((a_start, a_end), (b_start, b_end)): score} where one side is a single
    paragraph and the other 2-MAX_JOIN consecutive ones joined, ratio >= JOIN_THRESHOLD."""
    found = {}
    for singles, many, single_is_a in ((norm_a, norm_b, True), (norm_b, norm_a, False)):
        windows = [(start, start + size) for size in range(2, MAX_JOIN + 1)
                   for start in range(len(many) - size + 1)]
        if not windows:
            continue
        joined = [" ".join(many[start:end]) for start, end in windows]
        # score_cutoff lets rapidfuzz skip most pairs on their lengths alone
        matrix = process.cdist(singles, joined, scorer=fuzz.ratio, score_cutoff=JOIN_THRESHOLD)
        for index, row in enumerate(matrix.tolist()):
            for window, score in zip(windows, row):
                if score:
                    single = (index, index + 1)
                    found[(single, window) if single_is_a else (window, single)] = score
    return found


def _find_moves(path: list[tuple], scores: list[list[float]]) -> list[tuple]:
    """Pair paragraphs left unmatched on both sides (best score first) as moves:
    the b step becomes ("moved", i, j, score), the a step is dropped."""
    lone_a = {step[1] for step in path if step[0] == "a"}
    lone_b = {step[1] for step in path if step[0] == "b"}
    pairs = sorted(((scores[i][j], i, j) for i in lone_a for j in lone_b if scores[i][j]),
                   key=lambda t: (-t[0], t[2], t[1]))
    moved_to: dict[int, tuple[int, float]] = {}
    taken_a = set()
    for score, i, j in pairs:
        if i not in taken_a and j not in moved_to:
            taken_a.add(i)
            moved_to[j] = (i, score)
    result = []
    for step in path:
        if step[0] == "a" and step[1] in taken_a:
            continue
        if step[0] == "b" and step[1] in moved_to:
            i, score = moved_to[step[1]]
            step = ("moved", i, step[1], score)
        result.append(step)
    return result


# -- blocks --------------------------------------------------------------------------

def _blocks(a, b, norm_a, norm_b, steps) -> list[Block]:
    # Between two matches, the paragraphs only a has come first, then b's side.
    ordered, gap_a, gap_b = [], [], []
    for step in steps + [("end",)]:
        if step[0] == "a":
            gap_a.append(step)
        elif step[0] in ("b", "moved"):
            gap_b.append(step)
        else:
            ordered += gap_a + gap_b
            gap_a, gap_b = [], []
            ordered.append(step)
    ordered.pop()  # ("end",)

    blocks: list[Block] = []
    for step in ordered:
        kind, last = step[0], blocks[-1] if blocks else None
        if kind == "a":
            i = step[1]
            if last and last.op == "only-a" and last.a_index[-1] == i - 1:
                blocks[-1] = replace(last, a=last.a + (a[i],), a_index=last.a_index + (i,))
            else:
                blocks.append(Block("only-a", (a[i],), (), similarity=0.0, a_index=(i,)))
        elif kind == "b":
            j = step[1]
            if last and last.op == "only-b" and last.b_index[-1] == j - 1:
                blocks[-1] = replace(last, b=last.b + (b[j],), b_index=last.b_index + (j,))
            else:
                blocks.append(Block("only-b", (), (b[j],), similarity=0.0, b_index=(j,)))
        elif kind == "moved":
            _, i, j, score = step
            blocks.append(_paired("moved", (i,), (j,), score, a, b, norm_a, norm_b))
        else:
            _, rows_a, rows_b, score = step
            block = _paired("changed", rows_a, rows_b, score, a, b, norm_a, norm_b)
            one_to_one = len(rows_a) == len(rows_b) == 1
            if (block.op == "equal" and one_to_one and last and last.op == "equal"
                    and len(last.a) == len(last.b)):
                # consecutive equal pairs read as one block
                blocks[-1] = replace(last, a=last.a + block.a, b=last.b + block.b,
                                     a_index=last.a_index + block.a_index,
                                     b_index=last.b_index + block.b_index)
            else:
                blocks.append(block)
    return blocks


def _paired(op, rows_a, rows_b, score, a, b, norm_a, norm_b) -> Block:
    """A matched block: equal when the normalised texts agree, else `op` with
    its sentences and words aligned."""
    text_a = tuple(a[i] for i in rows_a)
    text_b = tuple(b[j] for j in rows_b)
    if " ".join(norm_a[i] for i in rows_a) == " ".join(norm_b[j] for j in rows_b):
        return Block("moved" if op == "moved" else "equal", text_a, text_b,
                     a_index=rows_a, b_index=rows_b)
    words, _ = _sentence_ops(" ".join(text_a), " ".join(text_b))
    return Block(op, text_a, text_b, words, similarity=score / 100,
                 a_index=rows_a, b_index=rows_b)


def _paired_gaps(blocks: list[Block]) -> list[Block]:
    """Paragraphs only A has next to paragraphs only B has (between the same
    shared blocks) that share sentences for GAP_SHARE of the shorter side:
    one changed block, aligned by sentence."""
    out: list[Block] = []
    for block in blocks:
        last = out[-1] if out else None
        if block.op == "only-b" and last is not None and last.op == "only-a":
            words, matched = _sentence_ops(" ".join(last.a), " ".join(block.b))
            size_a, size_b = len(" ".join(last.a)), len(" ".join(block.b))
            shorter = min(size_a, size_b)
            if shorter and matched[0 if size_a <= size_b else 1] >= GAP_SHARE * shorter:
                out[-1] = Block("changed", last.a, block.b, words,
                                similarity=round(sum(matched) / (size_a + size_b), 4),
                                a_index=last.a_index, b_index=block.b_index)
                continue
        out.append(block)
    return out


# -- sentences -----------------------------------------------------------------------

# A token that ends a sentence: . ! ? or … with closing quotes or brackets after
# it; not an initial or a title ("H.", "Gen."), which a name follows.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")
_NOT_AN_END = re.compile(r"^(?:[A-Z]|Mr|Mrs|Ms|Dr|Gen|Col|Lt|Sgt|St|No|Jr|Sr)\.$")


def sentences(text: str) -> list[list[str]]:
    """The text's tokens (whitespace-separated, as the word diff takes them),
    cut into sentences: joined back, they are the text's tokens in order."""
    found: list[list[str]] = []
    current: list[str] = []
    for token in text.split():
        current.append(token)
        if _SENTENCE_END.search(token) and not _NOT_AN_END.match(token):
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


def _sentence_ops(text_a: str, text_b: str) -> tuple[tuple[WordOp, ...], tuple[int, int]]:
    """The word runs of two texts aligned sentence by sentence (see the
    module's docstring), and how many characters of each side are in matched
    sentences, weighted by how alike the pair is."""
    sentences_a, sentences_b = sentences(text_a), sentences(text_b)
    if len(sentences_a) < 2 and len(sentences_b) < 2:
        ops = word_diff(text_a, text_b)
        return ops, (0, 0)
    joined_a = [" ".join(tokens) for tokens in sentences_a]
    joined_b = [" ".join(tokens) for tokens in sentences_b]
    steps = _align([normalise(t) for t in joined_a], [normalise(t) for t in joined_b],
                   moves=False)
    ops: list[WordOp] = []
    matched_a = matched_b = 0.0
    gap_a: list[WordOp] = []
    gap_b: list[WordOp] = []
    for step in steps + [("end",)]:
        if step[0] == "a":
            gap_a.append(WordOp("delete", joined_a[step[1]], ""))
            continue
        if step[0] == "b":
            gap_b.append(WordOp("insert", "", joined_b[step[1]]))
            continue
        ops += gap_a + gap_b  # between two matches: what A lost, then what B added
        gap_a, gap_b = [], []
        if step[0] == "match":
            _, rows_a, rows_b, score = step
            tokens_a = [t for i in rows_a for t in sentences_a[i]]
            tokens_b = [t for j in rows_b for t in sentences_b[j]]
            ops.extend(op for op, *_ in _word_ops(tokens_a, tokens_b))
            matched_a += score / 100 * sum(len(joined_a[i]) for i in rows_a)
            matched_b += score / 100 * sum(len(joined_b[j]) for j in rows_b)
    return tuple(_runs(ops)), (round(matched_a), round(matched_b))


def _runs(ops: list[WordOp]) -> list[WordOp]:
    """Adjacent runs of one kind joined: two sentences equal in a row read as
    one run, two inserted sentences as one insertion."""
    out: list[WordOp] = []
    for op in ops:
        if out and out[-1].op == op.op and op.op in ("equal", "insert", "delete"):
            last = out[-1]
            out[-1] = WordOp(op.op, " ".join(filter(None, (last.a, op.a))),
                             " ".join(filter(None, (last.b, op.b))))
        else:
            out.append(op)
    return out


def _label_trailing(blocks: list[Block]) -> list[Block]:
    shared = [number for number, block in enumerate(blocks) if block.op in SHARED_OPS]
    if not shared:
        return blocks  # nothing in common: no basis to call anything a trailer
    return blocks[:shared[-1] + 1] + [replace(block, label=COMMENT_LABEL)
                                      for block in blocks[shared[-1] + 1:]]


# -- words ---------------------------------------------------------------------------

def _word_ops(tokens_a: list[str], tokens_b: list[str]) -> list[tuple]:
    """[(WordOp, a_start, a_end, b_start, b_end)] over token positions; adjacent
    non-equal opcodes merge into one run, so an edit reads as one replacement."""
    keys_a = [normalise(t) for t in tokens_a]
    keys_b = [normalise(t) for t in tokens_b]
    runs: list[list] = []  # [equal?, a_start, a_end, b_start, b_end]
    for code in Levenshtein.opcodes(keys_a, keys_b):
        is_equal = code.tag == "equal"
        if runs and runs[-1][0] == is_equal:
            runs[-1][2], runs[-1][4] = code.src_end, code.dest_end
        else:
            runs.append([is_equal, code.src_start, code.src_end, code.dest_start, code.dest_end])
    result = []
    for is_equal, a_start, a_end, b_start, b_end in runs:
        text_a = " ".join(tokens_a[a_start:a_end])
        text_b = " ".join(tokens_b[b_start:b_end])
        op = ("equal" if is_equal else "replace" if text_a and text_b
              else "delete" if text_a else "insert")
        result.append((WordOp(op, text_a, text_b), a_start, a_end, b_start, b_end))
    return result


# -- figures -------------------------------------------------------------------------

class _Figure(NamedTuple):
    first_token: int  # token range [first_token, end_token) in the block's text
    end_token: int
    noun: str  # "militants", "%" or "date"
    value: str  # "1,065", "70%", "April 2"
    start: int  # character range in the block's text (words joined by single spaces)
    end: int


def _figure_changes(block: Block, number: int) -> list[FigureChange]:
    tokens_a = " ".join(block.a).split()
    tokens_b = " ".join(block.b).split()
    figures_a, figures_b = _figures(tokens_a), _figures(tokens_b)
    changes, reported = [], set()
    for op, a_start, a_end, b_start, b_end in _positioned(block.words):
        if op.op != "replace":
            continue
        in_a = [f for f in figures_a if f.first_token < a_end and f.end_token > a_start]
        in_b = [f for f in figures_b if f.first_token < b_end and f.end_token > b_start]
        paired_a, paired_b = [], []
        for fig_a in in_a:  # same noun on both sides: "1,065 militants" / "1,056 militants"
            fig_b = next((f for f in in_b if f.noun == fig_a.noun and f not in paired_b), None)
            if fig_b is None:
                continue
            paired_a.append(fig_a)
            paired_b.append(fig_b)
            # a figure spanning two replaced runs is seen twice
            if fig_a.value != fig_b.value and (fig_a, fig_b) not in reported:
                reported.add((fig_a, fig_b))
                changes.append(FigureChange(fig_a.noun, fig_a.value, fig_b.value, number))
        # A changed number with no (or another) noun is still what an analyst looks
        # for; only in short replaced pieces of the run, where the number itself was
        # edited (in a rewritten sentence, numbers in the same order are unrelated).
        # A run with one number on each side, one side short ("112 people" ->
        # "126 in the deadliest such incident ..."), is that number edited too.
        run_a, run_b = op.a.split(), op.b.split()
        pieces = [(0, len(run_a), 0, len(run_b))]
        if max(len(run_a), len(run_b)) > BARE_NUMBER_RUN:
            pieces = [(p.src_start, p.src_end, p.dest_start, p.dest_end)
                      for p in Levenshtein.opcodes([normalise(t) for t in run_a],
                                                   [normalise(t) for t in run_b])
                      if p.tag == "replace" and max(p.src_end - p.src_start,
                                                    p.dest_end - p.dest_start) <= BARE_NUMBER_RUN]
        edited = []
        for start_a, end_a, start_b, end_b in pieces:
            bare_a = _bare_numbers(" ".join(run_a[start_a:end_a]),
                                   _offset(tokens_a, a_start + start_a), paired_a)
            bare_b = _bare_numbers(" ".join(run_b[start_b:end_b]),
                                   _offset(tokens_b, b_start + start_b), paired_b)
            edited += [(x, y) for x, y in zip(bare_a, bare_b) if x != y]
        whole = (_bare_numbers(op.a, _offset(tokens_a, a_start), paired_a),
                 _bare_numbers(op.b, _offset(tokens_b, b_start), paired_b))
        if not edited and min(len(run_a), len(run_b)) <= BARE_NUMBER_RUN \
                and len(whole[0]) == len(whole[1]) == 1 and whole[0] != whole[1]:
            edited = [(whole[0][0], whole[1][0])]
        changes.extend(FigureChange("", x, y, number) for x, y in edited)
    return changes


def _positioned(words: tuple[WordOp, ...]):
    """(op, a_start, a_end, b_start, b_end): each run with its token range on
    each side (the runs rebuild both sides' tokens in order)."""
    at_a = at_b = 0
    for op in words:
        size_a, size_b = len(op.a.split()), len(op.b.split())
        yield op, at_a, at_a + size_a, at_b, at_b + size_b
        at_a += size_a
        at_b += size_b


def _offset(tokens: list[str], token: int) -> int:
    """Character offset of tokens[token] in the tokens joined by single spaces."""
    return sum(len(t) + 1 for t in tokens[:token])


def _figures(tokens: list[str]) -> list[_Figure]:
    """Dates and figures of the text rebuilt from `tokens`; a number inside a
    date is the date's, not a figure."""
    text = " ".join(tokens)
    starts = [_offset(tokens, 0)]
    for token in tokens[:-1]:
        starts.append(starts[-1] + len(token) + 1)

    def figure(start: int, end: int, noun: str, value: str) -> _Figure:
        first = bisect.bisect_right(starts, start) - 1
        end_token = bisect.bisect_left(starts, end)
        return _Figure(first, end_token, noun, value, start, end)

    found = [figure(m.start(), m.end(), "date", m.group(0)) for m in DATE.finditer(text)]
    dates = list(found)
    for match in FIGURE.finditer(text):
        if any(d.start < match.end() and d.end > match.start() for d in dates):
            continue
        value = NUMBER.match(match.group(0)).group(0)
        rest = match.group(0)[len(value):]
        if PERCENT.match(rest.strip()):
            noun, value = "%", value + "%"
        else:
            noun = rest.split()[-1].casefold()  # "12 more civilians": civilians
        found.append(figure(match.start(), match.end(), noun, value))
    return found


def _bare_numbers(run: str, run_start: int, paired: list[_Figure]) -> list[str]:
    """Numbers of a replaced run, except those of figures already paired by noun."""
    return [match.group(0) for match in NUMBER.finditer(run)
            if not any(f.start <= run_start + match.start() < f.end for f in paired)]
