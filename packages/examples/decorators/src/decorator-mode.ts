/**
 * Only for this demo: a second class decorator that records which decorator semantics the
 * compiler applied. TC39 standard decorators receive a context object; legacy
 * `experimentalDecorators` call a class decorator with the class alone.
 */
const modes = new WeakMap<object, "standard (TC39)" | "legacy (experimentalDecorators)">();

export function recordDecoratorMode(target: object, context?: ClassDecoratorContext): void {
  modes.set(target, context === undefined ? "legacy (experimentalDecorators)" : "standard (TC39)");
}

export function decoratorModeOf(target: object): string {
  return modes.get(target) ?? "not decorated";
}
