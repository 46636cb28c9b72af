import { createApp, optionsFromEnv } from "./app.js";
import { createHttpApp } from "./http.js";

// `pnpm --filter @modreg/examples serve`, then: curl "http://localhost:3000/export?tenant=acme&format=csv"
const app = createApp(optionsFromEnv(process.env));
await app.start();
const port = Number(process.env["PORT"] ?? 3000);
const server = createHttpApp(app).listen(port, () => console.log(`shop on http://localhost:${port}/export`));
const stop = (): void => {
  server.close(() => void app.dispose());
};
process.once("SIGINT", stop);
process.once("SIGTERM", stop);
