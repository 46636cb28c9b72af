import semver from "semver";

/**
 * Whether `version` satisfies the semver `range` (prereleases included, as everywhere in
 * modreg); `undefined` when the range is not valid semver.
 */
export function satisfiesRange(version: string, range: string): boolean | undefined {
  if (semver.validRange(range) === null) return undefined;
  return semver.satisfies(version, range, { includePrerelease: true });
}
