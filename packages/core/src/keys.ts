/**
 * Interface keys, as the codegen writes them: `<package>:<file in package>#<Name>` (or
 * `<project file>#<Name>` without a named package.json, `lib#<Name>` for the default lib),
 * with type arguments' keys in angle brackets for a generic instantiation:
 * `app:src/repo#Repo<app:src/user#User>`. Hand-written manifests may use any string; the
 * container compares keys as they are.
 */

/**
 * The short name a key's declaration is known by, with its type arguments' short names:
 * `app:src/repo#Repo<app:src/user#User>` → `Repo<User>`; `src/logger.ts#Logger` → `Logger`;
 * a key without `#` is its own name.
 */
export function interfaceName(key: string): string {
  const open = key.indexOf("<");
  if (open < 0 || !key.endsWith(">")) return key.slice(key.lastIndexOf("#") + 1);
  const head = key.slice(0, open);
  const args = topLevelParts(key.slice(open + 1, -1)).map(interfaceName);
  return `${head.slice(head.lastIndexOf("#") + 1)}<${args.join(", ")}>`;
}

/** `a,b<c,d>` → `["a", "b<c,d>"]`: commas outside angle brackets. */
function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "<") depth++;
    else if (c === ">") depth--;
    else if (c === "," && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
