// Text made safe to put in HTML, in element content and in quoted attributes alike.
export function escapeHTML(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
