/**
 * RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. Text a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) is kept as text with a leading '.
 */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text =
    typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
