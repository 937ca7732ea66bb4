// docx.mjs - a minimal Word document for the tests, written at test time:
// word/document.xml with a paragraph per line (and, optionally, a table of
// rows of cells), zipped deflated as Word does (xlsx.mjs's zip).
import { zip } from './xlsx.mjs';

const esc = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
// a paragraph, its text split into runs as Word splits it (by formatting)
const para = (line) => {
  const runs = line.length > 6 ? [line.slice(0, 3), line.slice(3)] : [line];
  return '<w:p><w:pPr><w:jc w:val="both"/></w:pPr>' +
    runs.map((t) => `<w:r><w:rPr><w:sz w:val="32"/></w:rPr><w:t xml:space="preserve">${esc(t)}</w:t></w:r>`).join('') +
    '</w:p>';
};

// lines: the paragraphs; rows: a table after them, rows of cells (each cell
// a string, or a list of its paragraphs)
export function docx(lines, { rows = [] } = {}) {
  const table = rows.length
    ? '<w:tbl><w:tblPr/>' + rows.map((r) => '<w:tr>' + r.map((c) =>
      '<w:tc><w:tcPr/>' + (Array.isArray(c) ? c : [c]).map(para).join('') + '</w:tc>').join('') +
      '</w:tr>').join('') + '</w:tbl>'
    : '';
  const doc = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>' +
    lines.map(para).join('') + table + '<w:sectPr/></w:body></w:document>';
  return zip({
    '[Content_Types].xml': '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    'word/document.xml': doc,
  }, { deflate: true });
}
