import codecs

from wartui.ingest.decode import decode_bytes, looks_binary


def test_valid_utf8_is_untouched():
    decoded = decode_bytes("Deir ez-Zor – Dayr az-Zawr, دير الزور".encode())
    assert decoded.text == "Deir ez-Zor – Dayr az-Zawr, دير الزور"
    assert decoded.fallback_bytes == 0
    assert decoded.encoding == "utf-8"


def test_stray_windows_1252_bytes_become_their_characters():
    # A curly apostrophe (0x92) and a bullet (0x95) inside otherwise UTF-8 text.
    decoded = decode_bytes("Assad’s forces".encode() + b" \x92s \x95 point")
    assert decoded.text == "Assad’s forces ’s • point"
    assert decoded.fallback_bytes == 2
    assert decoded.encoding == "utf-8+cp1252"


def test_bytes_undefined_in_cp1252_never_become_control_characters():
    decoded = decode_bytes(b"a\x81b\x9dc")
    assert decoded.text == "a\ufffdb\ufffdc"


def test_boms_and_nuls():
    assert decode_bytes(codecs.BOM_UTF8 + b"Homs").text == "Homs"
    assert decode_bytes("Hama".encode("utf-16")).text == "Hama"
    decoded = decode_bytes(b"Id\x00lib")
    assert decoded.text == "Idlib" and decoded.nul_bytes == 1


def test_binary_detection():
    assert looks_binary(bytes(range(256)) * 10)
    assert not looks_binary(b"plain text\nwith lines\tand tabs\n" * 50)
    assert not looks_binary("Hama".encode("utf-16"))
