/**
 * Caption templates (config/captions/<rubric>.<platform>.txt, documented in config/captions/README.md):
 * - `{{field}}` is replaced by the field's value; a value may span several lines (the product list).
 * - A line whose placeholders are all empty is dropped, with any label on it ("📞 {{contact}}").
 * - `{{#a}}…{{/a}}` keeps what is inside only when `a` has a value; `{{#a|b}}` when `a` or `b` has one. On a line of
 *   its own it wraps whole lines (a heading and its list); inside a line it wraps words ("({{mention}})").
 * - Blank lines separate paragraphs; runs of them collapse into one and none are left at the start or end.
 */
export type TemplateValues = Readonly<Record<string, string>>;

const PLACEHOLDER = /\{\{(\w+)\}\}/g;
// The body cannot hold another section tag, so each pass expands the innermost sections.
const INLINE_SECTION = /\{\{#([\w|]+)\}\}((?:(?!\{\{[#/]).)*?)\{\{\/\1\}\}/g;
const BLOCK_TAG = /^\s*\{\{([#/])([\w|]+)\}\}\s*$/;
const ANY_SECTION_TAG = /\{\{[#/][\w|]+\}\}/;

const hasValue = (values: TemplateValues, names: string): boolean => names.split('|').some((name) => Boolean(values[name]));

/** Every placeholder and section name a template uses, to check templates against the fields the composer fills. */
export function templateFields(template: string): string[] {
  const names = [...template.matchAll(/\{\{[#/]?([\w|]+)\}\}/g)].flatMap((m) => m[1].split('|'));
  return [...new Set(names)];
}

export function renderTemplate(template: string, values: TemplateValues): string {
  const lines: string[] = [];
  const open: Array<{ name: string; active: boolean }> = [];
  const active = (): boolean => open.every((section) => section.active);
  for (const [index, line] of template.replace(/\r\n?/g, '\n').split('\n').entries()) {
    const tag = BLOCK_TAG.exec(line);
    if (tag) {
      if (tag[1] === '#') open.push({ name: tag[2], active: hasValue(values, tag[2]) });
      else if (open.pop()?.name !== tag[2]) throw new Error(`Caption template line ${index + 1}: {{/${tag[2]}}} closes no open section`);
      continue;
    }
    if (!active()) continue;
    if (line.trim() === '') {
      lines.push('');
      continue;
    }
    const expanded = expandInlineSections(line, values);
    if (ANY_SECTION_TAG.test(expanded)) throw new Error(`Caption template line ${index + 1}: unbalanced section`);
    const names = [...expanded.matchAll(PLACEHOLDER)].map((m) => m[1]);
    if (names.length > 0 && names.every((name) => !values[name])) continue;
    const rendered = expanded.replace(PLACEHOLDER, (_, name: string) => values[name] ?? '');
    // A line that had text in the template but renders blank was only labels around missing values: drop it.
    if (rendered.trim() === '') continue;
    // Multi-line values (paragraphs of a description, a product list) keep their own line structure.
    for (const part of rendered.split('\n')) lines.push(part.trim() === '' ? '' : part.trimEnd());
  }
  if (open.length > 0) throw new Error(`Caption template: section {{#${open[0].name}}} is never closed`);
  return collapseBlankLines(lines);
}

/** Innermost sections first, so `{{#a}}…{{#b}}…{{/b}}…{{/a}}` on one line works too. */
function expandInlineSections(line: string, values: TemplateValues): string {
  let current = line;
  for (;;) {
    const next = current.replace(INLINE_SECTION, (_, names: string, inner: string) => (hasValue(values, names) ? inner : ''));
    if (next === current) return current;
    current = next;
  }
}

function collapseBlankLines(lines: readonly string[]): string {
  const out: string[] = [];
  for (const line of lines) {
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out.join('\n');
}
