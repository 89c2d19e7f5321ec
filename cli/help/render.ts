// Help text from a snapshot, at the terminal's width, and the unknown-command suggestion: commander's own layout
// (formatItem, boxWrap, suggestSimilar in commander 14) without loading commander; test/unit/cli-help-snapshot proves
// the output equal to commander's for every command at every width.

/** A piece of a help template: literal text, or what commander wraps to the width. */
export type HelpPart = string | { item: [term: string, termWidth: number, description: string] } | { wrap: string };

const MIN_WIDTH_TO_WRAP = 40;

export function boxWrap(str: string, width: number): string {
  if (width < MIN_WIDTH_TO_WRAP) return str;
  const wrapped: string[] = [];
  for (const line of str.split(/\r\n|\n/)) {
    const chunks = line.match(/[\s]*[^\s]+/g);
    if (chunks === null) {
      wrapped.push('');
      continue;
    }
    let sum = [chunks.shift()!];
    let sumWidth = sum[0]!.length;
    for (const chunk of chunks) {
      if (sumWidth + chunk.length <= width) {
        sum.push(chunk);
        sumWidth += chunk.length;
        continue;
      }
      wrapped.push(sum.join(''));
      const next = chunk.trimStart();
      sum = [next];
      sumWidth = next.length;
    }
    wrapped.push(sum.join(''));
  }
  return wrapped.join('\n');
}

export function formatItem(term: string, termWidth: number, description: string, helpWidth: number): string {
  if (!description) return '  ' + term;
  const remaining = helpWidth - termWidth - 4;
  const text =
    remaining < MIN_WIDTH_TO_WRAP || /\n[^\S\r\n]/.test(description)
      ? description
      : boxWrap(description, remaining).replace(/\n/g, '\n' + ' '.repeat(termWidth + 2));
  return '  ' + term.padEnd(termWidth) + '  ' + text.replace(/\n/g, '\n  ');
}

export function renderHelp(parts: readonly HelpPart[], helpWidth: number): string {
  return parts
    .map((p) =>
      typeof p === 'string'
        ? p
        : 'wrap' in p
          ? boxWrap(p.wrap, helpWidth)
          : formatItem(p.item[0], p.item[1], p.item[2], helpWidth),
    )
    .join('');
}

/** Optimal string alignment distance (commander's editDistance), 3 or more meaning "too far". */
function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 3) return Math.max(a.length, b.length);
  const d: number[][] = [];
  for (let i = 0; i <= a.length; i++) d[i] = [i];
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let j = 1; j <= b.length; j++)
    for (let i = 1; i <= a.length; i++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  return d[a.length]![b.length]!;
}

/** `\n(Did you mean x?)` for the closest command names, or '' (commander's suggestSimilar for a command). */
export function suggestSimilar(word: string, candidates: readonly string[]): string {
  let similar: string[] = [];
  let best = 3;
  for (const candidate of new Set(candidates)) {
    if (candidate.length <= 1) continue;
    const distance = editDistance(word, candidate);
    const length = Math.max(word.length, candidate.length);
    if ((length - distance) / length <= 0.4) continue;
    if (distance < best) {
      best = distance;
      similar = [candidate];
    } else if (distance === best) similar.push(candidate);
  }
  similar.sort((a, b) => a.localeCompare(b));
  if (similar.length > 1) return `\n(Did you mean one of ${similar.join(', ')}?)`;
  return similar.length === 1 ? `\n(Did you mean ${similar[0]}?)` : '';
}
