const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

// Characters that reorder or hide text (bidi overrides/isolates, zero-width, BOM, separators) and
// control characters: shown as a visible marker so a file name cannot disguise itself in the report.
const INVISIBLE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff]/g;

/**
 * Escapes text for HTML element content and double- or single-quoted attribute values; control
 * and bidi/zero-width characters become a visible `\uNNNN` marker. Every evidence-derived string
 * in the report goes through this.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
    .replace(INVISIBLE, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`);
}
