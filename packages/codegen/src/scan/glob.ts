/**
 * Minimal glob matching for `--include` / `--exclude`, on project-relative POSIX paths:
 * `**` (any number of directories), `*` and `?` (within one segment), `{a,b}` and `[...]`.
 * A pattern without a glob character also matches everything below it (`src/legacy`).
 */
export function globToRegExp(pattern: string): RegExp {
  const glob = pattern.replace(/\\/g, "/").replace(/^\.\//, "").replace(/\/$/, "");
  let source = "";
  let braces = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") {
      if (glob[i + 1] === "*") {
        const slash = glob[i + 2] === "/";
        source += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else source += "[^/]*";
    } else if (c === "?") source += "[^/]";
    else if (c === "{") {
      braces++;
      source += "(?:";
    } else if (c === "}" && braces > 0) {
      braces--;
      source += ")";
    } else if (c === "," && braces > 0) source += "|";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) source += "\\[";
      else {
        source += `[${glob
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else source += /[.+^$()|\\]/.test(c) ? `\\${c}` : c;
  }
  return new RegExp(`^${source}(?:/.*)?$`);
}

/** A predicate over project-relative paths: included by some `include` (or all when none) and by no `exclude`. */
export function pathFilter(
  include: readonly string[],
  exclude: readonly string[],
): (relativePath: string) => boolean {
  const includes = include.map(globToRegExp);
  const excludes = exclude.map(globToRegExp);
  return (relativePath) =>
    (includes.length === 0 || includes.some((re) => re.test(relativePath))) &&
    !excludes.some((re) => re.test(relativePath));
}
