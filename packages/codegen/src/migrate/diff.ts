/** A unified diff (`--- a/file`, `+++ b/file`, `@@` hunks with 3 lines of context), for `--dry-run`. */

type Op = { readonly kind: " " | "-" | "+"; readonly line: string };

/** The diff of one file; `before` undefined for a new file. Empty when nothing changed. */
export function unifiedDiff(name: string, before: string | undefined, after: string): string {
  if (before === after) return "";
  const a = before === undefined ? [] : splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const header = `--- ${before === undefined ? "/dev/null" : `a/${name}`}\n+++ b/${name}\n`;
  return header + hunks(ops).join("");
}

function splitLines(text: string): string[] {
  const lines = text.split("\n");
  if (lines.at(-1) === "") lines.pop();
  return lines;
}

/** Line operations from the longest common subsequence, after trimming the common ends. */
function lineOps(a: readonly string[], b: readonly string[]): Op[] {
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const n = endA - start;
  const m = endB - start;
  const lcs = new Int32Array((n + 1) * (m + 1));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * (m + 1) + j] =
        a[start + i] === b[start + j]
          ? lcs[(i + 1) * (m + 1) + j + 1]! + 1
          : Math.max(lcs[(i + 1) * (m + 1) + j]!, lcs[i * (m + 1) + j + 1]!);
    }
  }
  const ops: Op[] = a.slice(0, start).map((line) => ({ kind: " ", line }));
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[start + i] === b[start + j]) {
      ops.push({ kind: " ", line: a[start + i]! });
      i++;
      j++;
    } else if (i < n && (j === m || lcs[(i + 1) * (m + 1) + j]! >= lcs[i * (m + 1) + j + 1]!)) {
      ops.push({ kind: "-", line: a[start + i]! });
      i++;
    } else {
      ops.push({ kind: "+", line: b[start + j]! });
      j++;
    }
  }
  for (const line of a.slice(endA)) ops.push({ kind: " ", line });
  return ops;
}

function hunks(ops: readonly Op[], context = 3): string[] {
  const out: string[] = [];
  let k = 0;
  while (k < ops.length) {
    while (k < ops.length && ops[k]!.kind === " ") k++;
    if (k === ops.length) break;
    const from = Math.max(0, k - context);
    let to = k;
    // extend while the next change is within 2 * context lines
    for (;;) {
      while (to < ops.length && ops[to]!.kind !== " ") to++;
      let gap = to;
      while (gap < ops.length && ops[gap]!.kind === " " && gap - to < 2 * context) gap++;
      if (gap < ops.length && ops[gap]!.kind !== " ") to = gap;
      else break;
    }
    const end = Math.min(ops.length, to + context);
    const slice = ops.slice(from, end);
    const lineA = ops.slice(0, from).filter((o) => o.kind !== "+").length + 1;
    const lineB = ops.slice(0, from).filter((o) => o.kind !== "-").length + 1;
    const countA = slice.filter((o) => o.kind !== "+").length;
    const countB = slice.filter((o) => o.kind !== "-").length;
    out.push(
      `@@ -${String(countA === 0 ? lineA - 1 : lineA)},${String(countA)} +${String(countB === 0 ? lineB - 1 : lineB)},${String(countB)} @@\n`,
    );
    for (const op of slice) out.push(`${op.kind}${op.line}\n`);
    k = end;
  }
  return out;
}
