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


def test_random_and_compressed_data_is_binary_whatever_its_control_bytes():
    """Random bytes are ~10.5% control bytes: either side of the old 10%
    threshold (9 of 90 random or gzip files were indexed as articles).
    Compressed data is as random, and has its format's signature."""
    import gzip
    import random

    rng = random.Random(22)
    prose = ("Shelling hit the outskirts of Hama on Monday, activists said. " * 400).encode()
    for size in (64, 300, 2_000, 8_192, 20_000):
        for _ in range(40):
            assert looks_binary(rng.randbytes(size)), size
        start = rng.randrange(len(prose) - size)
        assert looks_binary(gzip.compress(prose[start:start + size])), size


def test_signatures_of_compressed_image_and_document_formats():
    text_after = b"\n" + b"Plain words after the first bytes.\n" * 100
    for head in (b"\x1f\x8b\x08", b"PK\x03\x04", b"BZh9", b"\xfd7zXZ\x00", b"(\xb5/\xfd",
                 b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"GIF89a", b"%PDF-1.7",
                 b"RIFF\x00\x10\x00\x00WEBPVP8 ", b"\x00\x00\x00\x18ftypmp42"):
        assert looks_binary(head + text_after), head
    assert not looks_binary(b"GIF is an image format.\n" + text_after)
    assert not looks_binary(b"%PDF files are not articles" + text_after)  # no "-"


def test_text_in_a_legacy_encoding_is_text():
    """Bytes that are not UTF-8 but no control bytes: Cyrillic, Arabic or
    French in a Windows code page (read with the cp1252 fallback, kept)."""
    for text, codec in (("Обстрел Алеппо продолжался всю ночь, сообщили активисты. ", "cp1251"),
                        ("قصف مدينة حلب استمر طوال الليل، وفقا لناشطين. ", "cp1256"),
                        ("Les frappes à Alep ont continué toute la nuit, déjà. ", "cp1252")):
        assert not looks_binary((text * 200).encode(codec)), codec
    # a few stray control bytes in text are repaired, not a reason to skip
    assert not looks_binary(b"Idlib\x00 and Hama\x1b[0m " * 30 + "Dáyr".encode("cp1252") * 10)
