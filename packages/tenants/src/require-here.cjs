// This package's own `require`, so an optional peer resolves from where the package is
// installed, exactly as a static import would. Plain CommonJS for both builds (ESM `dist/` and
// CommonJS `dist/cjs/`): `require` needs no `import.meta.url`, which CommonJS output lacks.
module.exports = require;
