/** Formats an instant as edXML writes timestamps: `yyyy/MM/dd HH:mm:ss` in Vietnam time (UTC+7). */
export function formatEdxmlTimestamp(date: Date): string {
  const t = new Date(date.getTime() + 7 * 3600_000);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${t.getUTCFullYear()}/${p(t.getUTCMonth() + 1)}/${p(t.getUTCDate())} ${p(t.getUTCHours())}:${p(t.getUTCMinutes())}:${p(t.getUTCSeconds())}`;
}
