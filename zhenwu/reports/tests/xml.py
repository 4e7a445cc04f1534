"""Reading a produced .docx back as XML (the tests' eyes on the layout)."""

from __future__ import annotations

import io
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}


def parts(content: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(content)) as z:
        return {
            name: etree.fromstring(z.read(name))
            for name in z.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


def attr(el, name: str):
    return el.get(f"{{{W}}}{name}")


def paragraph_texts(root) -> list[str]:
    return ["".join(p.xpath(".//w:t/text()", namespaces=NS)) for p in root.iter(f"{{{W}}}p")]


def body_text(content: bytes) -> str:
    return "\n".join(paragraph_texts(parts(content)["word/document.xml"]))


def table_rows(content: bytes, index: int = 0) -> list[list[str]]:
    doc = parts(content)["word/document.xml"]
    table = doc.xpath("//w:tbl", namespaces=NS)[index]
    return [
        [
            "".join(tc.xpath(".//w:t/text()", namespaces=NS))
            for tc in tr.xpath("./w:tc", namespaces=NS)
        ]
        for tr in table.xpath("./w:tr", namespaces=NS)
    ]
