"""Normalisation of web text before matching: each kind of page noise, the map back to the
original (round trip), and hostile input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from loader.text.normalise import Normalised, normalise, normalise_mapped


def _round_trip(text: str, norm: Normalised) -> None:
    """Every normalised character comes from an in-bounds stretch of the original, in order (the
    characters of one entity share its stretch)."""
    assert len(norm.starts) == len(norm.ends) == len(norm.text)
    previous = (0, 0)
    for span in zip(norm.starts, norm.ends, strict=True):
        assert 0 <= span[0] < span[1] <= len(text)
        assert span[0] >= previous[1] or span == previous
        previous = span


def _original(text: str, normal_piece: str) -> str:
    norm = normalise_mapped(text)
    start = norm.text.index(normal_piece)
    a, b = norm.original_span(start, start + len(normal_piece))
    return text[a:b]


@pytest.mark.parametrize(
    ("text", "normal"),
    [
        ("經(jīng)濟", "经济"),
        ("320國(guó)道", "320国道"),
        ("經（jīng）濟", "经济"),  # full-width parentheses
        ("科創(chuàng )中心", "科创中心"),  # a space inside the reading, as news mirrors write it
        ("經(jīng)濟 楓(feng)(feng)涇", "经济枫泾"),  # toneless on a toned page, one after another
        ("嘉善(jiā shàn)县", "嘉善县"),
        ("绿(lv4)湾", "绿湾"),  # tone digits, v for ü
        ("女(nǚ)", "女"),
    ],
)
def test_pinyin_readings_after_han_characters_are_removed(text: str, normal: str) -> None:
    assert normalise(text) == normal


@pytest.mark.parametrize(
    "text",
    ["附件(a)说明", "上海中心(shanghai)大厦", "楓(feng)涇"],
)
def test_a_toneless_gloss_stays_where_the_page_writes_no_toned_reading(text: str) -> None:
    assert normalise(text) == normalise(text.replace("(", "（").replace(")", "）"))
    assert "(" in normalise(text)


@pytest.mark.parametrize(
    "text",
    [
        "叶新公路(朱枫公路-浙江省界)新建工程",
        "阿里巴巴(中国)有限公司",
        "澎湃新闻(www.thepaper.cn)记者",
        "阿里巴巴(NYSE:BABA)",
        "金山(Jinshan)",  # capitalised: a romanised name, not a reading
        "度假区(2020)",
        "(jīng)开头",  # nothing before it to read
        "G320 (jīng)",  # not after a Han character
        "长三角(xyz)",  # not pinyin syllables
    ],
)
def test_parenthesised_content_that_is_no_reading_is_kept(text: str) -> None:
    assert normalise(text) == text


def test_full_width_ascii_becomes_half_width() -> None:
    wide = (
        "\uff27\uff13\uff12\uff10国道\uff0c\uff11\uff10\uff10\uff05"  # G320国道,100% in full width
    )
    assert normalise(wide) == "G320国道,100%"


def test_zero_width_and_format_characters_are_dropped() -> None:
    text = "上海\u200b湾\u200d区\ufeff科创\u00ad中心\u200e"
    assert normalise(text) == "上海湾区科创中心"
    assert _original(text, "湾区科创") == "湾\u200d区\ufeff科创"


def test_compatibility_ideographs_and_radicals_become_unified() -> None:
    assert normalise("金⼭区") == "金山区"  # KANGXI RADICAL MOUNTAIN
    assert normalise("\uf900") == "岂"  # CJK COMPATIBILITY IDEOGRAPH-F900
    assert normalise("\U0002f800") == "丽"  # from the supplement


def test_html_entities_are_decoded_with_their_whole_span() -> None:
    text = "上海&amp;浙江&#x4E2D;&#22269;&nbsp;金山"
    assert normalise(text) == "上海&浙江中国金山"  # &nbsp; is white space inside a name
    assert _original(text, "中国") == "&#x4E2D;&#22269;"
    assert normalise("金山&lt") == "金山&lt"  # no semicolon: left as written
    assert normalise("金山&amp;") == "金山&"  # at the very end
    assert normalise("&bogus;") == "&bogus;"


def test_line_breaks_inside_a_name_are_ignored_but_paragraphs_stay_apart() -> None:
    assert normalise("上海湾\n  区科创中心") == "上海湾区科创中心"
    assert normalise("上海湾\r\n区") == "上海湾区"
    assert normalise("重塑滨海地区\n\n  记者获悉") == "重塑滨海地区 记者获悉"
    assert normalise("G320\n国道") == "G320 国道"  # only between Han characters
    assert normalise("a \t\u3000 b") == "a b"


def test_traditional_script_becomes_simplified() -> None:
    assert normalise("長三角一體化省際互聯互通項目") == "长三角一体化省际互联互通项目"


def test_dashes_are_one_dash() -> None:
    assert normalise("姚楊公路-葉新公路") == normalise("姚杨公路—叶新公路") == "姚杨公路-叶新公路"
    assert normalise("2020\u201012\u201328") == "2020-12-28"


def test_offsets_point_into_the_original_and_cover_readings_inside_a_name() -> None:
    text = "据悉,上海灣區健康醫學(xué)城将依托"
    assert _original(text, "上海湾区健康医学城") == "上海灣區健康醫學(xué)城"
    text = "緩解320國(guó)道的交通"
    assert _original(text, "320国道") == "320國(guó)道"


@pytest.mark.parametrize(
    "text",
    [
        "",
        "(jīng)(jīng)(jīng)",  # nothing but readings
        "經(jīng)(jīng)(jīng)",  # readings only after one character
        "((((經(jīng)",
        "經(jīng",  # unbalanced
        "經)jīng(",
        "經(jīng))))",
        "&amp",
        "&#xD800;&#0;&#x110000;",  # entities of no character
        "\ud800汉\udfff(hàn)",  # lone surrogates
        "\U0001f600經\u0301(jīng)",  # emoji, a combining mark
        "\n\n\n",
        "\u200b\u200b",
    ],
)
def test_hostile_text_is_normalised_without_losing_the_map(text: str) -> None:
    norm = normalise_mapped(text)
    _round_trip(text, norm)


def test_text_of_nothing_but_readings_after_a_character() -> None:
    assert normalise("經(jīng)(jīng)(jīng)") == "经"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("經濟金山区上海(（)）jīngāǜ 12\n&amp;#x4E2D;\u200b\u3000\uff21\uff22⼭\uf900-—")
        ),
        max_size=80,
    )
)
def test_any_text_maps_back_in_order(text: str) -> None:
    norm = normalise_mapped(text)
    _round_trip(text, norm)
    for i in range(len(norm.text)):
        a, b = norm.original_span(i, i + 1)
        assert text[a:b]  # each character stands for some of the original
