import json

from hypothesis import given, strategies as st

from wartui.textsafe import dumps_json, printable

DANGEROUS = set(map(chr, [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]))
DANGEROUS |= set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_escape_sequences_become_visible():
    assert printable("a\x1b[31mred\x1b[0m") == "a␛[31mred␛[0m"
    assert printable("osc\x1b]52;c;aGk=\x07") == "osc␛]52;c;aGk=␇"
    assert printable("x\u202ey") == "x⟦U+202E⟧y"
    assert printable("c1\x9bcsi") == "c1⟦U+009B⟧csi"
    assert printable("keep\nnew\tlines") == "keep\nnew\tlines"
    assert printable("one\nline", keep_newlines=False) == "one line"


@given(st.text())
def test_printable_never_lets_a_control_through(text):
    assert not DANGEROUS & set(printable(text))


@given(st.text())
def test_json_is_valid_and_carries_no_raw_controls(text):
    dumped = dumps_json({"text": text})
    assert json.loads(dumped) == {"text": text}
    assert not DANGEROUS & set(dumped) - {"\n"}
