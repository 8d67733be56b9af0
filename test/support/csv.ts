/** RFC 4180 text (CRLF records, quoted fields with doubled quotes) as its records' fields. */
function records(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (quoted) {
      if (char === '"' && text[at + 1] === '"') field += text[++at];
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\r' && text[at + 1] === '\n') {
      rows.push([...row, field]);
      row = [];
      field = '';
      at++;
    } else {
      field += char;
    }
  }
  if (field !== '' || row.length > 0) rows.push([...row, field]);
  return rows;
}

/** A CSV export with a header line as one object per record, keyed by the header's names. */
export function csvObjects(text: string): Record<string, string>[] {
  const [header, ...rest] = records(text);
  return rest.map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i]])));
}
