/** This package's own `require` (see require-here.cjs). */
declare const requireHere: NodeJS.Require;
export = requireHere;
