"""Files from older Japanese tools: a BPMN or DMN file is read in the encoding its XML declaration
names, and kept as UTF-8 from then on; bytes that are no text in it are refused, not guessed."""

import codecs

import pytest

from engine import validation

BODY = '<definitions id="d"><process id="p" name="入会審査 ①"/></definitions>'


@pytest.mark.parametrize("declared", ["Shift_JIS", "shift_jis", "Windows-31J", "EUC-JP"])
def test_a_file_is_read_in_the_encoding_it_declares_and_redeclared_as_utf8(declared):
    body = BODY.replace(" ①", "") if declared == "EUC-JP" else BODY  # (① is Microsoft's, not EUC-JP's)
    data = f'<?xml version="1.0" encoding="{declared}"?>\n{body}'.encode("euc_jp" if declared == "EUC-JP" else "cp932")
    text = validation.text_of(data)
    assert text == f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'
    assert validation.parse(text).find("process").get("name") == body.split('name="')[1].split('"')[0]


def test_utf8_with_or_without_a_bom_and_utf16_with_its_bom():
    plain = f'<?xml version="1.0" encoding="utf-8"?>{BODY}'
    assert validation.text_of(plain.encode()) == plain
    assert validation.text_of(codecs.BOM_UTF8 + plain.encode()) == plain
    assert validation.text_of(BODY.encode()) == BODY  # no declaration: UTF-8
    wide = f"<?xml version='1.0' encoding='UTF-16'?>{BODY}".encode("utf-16")  # a BOM first
    assert validation.text_of(wide) == f"<?xml version='1.0' encoding=\"UTF-8\"?>{BODY}"


@pytest.mark.parametrize("data", [
    BODY.encode("cp932"),  # Shift_JIS bytes, declared as nothing (so UTF-8)
    f'<?xml version="1.0" encoding="UTF-8"?>{BODY}'.encode("cp932"),  # declared wrongly
    f'<?xml version="1.0" encoding="klingon"?>{BODY}'.encode(),  # no such encoding
])
def test_bytes_that_are_not_text_in_the_named_encoding_are_refused(data):
    with pytest.raises(validation.UnreadableText):
        validation.text_of(data)
