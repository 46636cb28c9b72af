export { createPostgresStore } from "./store.js";
export type { PostgresStoreOptions } from "./store.js";
export { SCHEMA_VERSION } from "./schema.js";
