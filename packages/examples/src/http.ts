import type { Container, ContainerScope, ScopeOptions } from "@modreg/core";
import express, { type Express, type NextFunction, type Request, type Response } from "express";
import { ExportRun } from "./export-run.js";

/**
 * Framework-neutral in core, Express here: opens a scope per HTTP request with the values
 * `valuesOf(req)` computes, hands it to the handlers as `res.locals.scope`, and disposes it
 * once the response has ended (`close` fires after `finish`, and also when the client goes
 * away), so every scoped module of the request is disposed exactly once.
 */
export function scopePerRequest(
  app: Container,
  valuesOf: (req: Request) => ScopeOptions["values"],
  onDisposeError: (error: unknown) => void = (error) => console.error(error),
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    let scope: ContainerScope;
    try {
      const values = valuesOf(req);
      scope = app.scope(values === undefined ? {} : { values });
    } catch (error) {
      next(error);
      return;
    }
    res.on("close", () => void scope.dispose().catch(onDisposeError));
    res.locals["scope"] = scope;
    next();
  };
}

/** The request's scope, opened by `scopePerRequest`. */
export function scopeOf(res: Response): ContainerScope {
  return res.locals["scope"] as ContainerScope;
}

/** A query parameter as one string (Express parses repeated or nested ones into arrays and objects). */
function param(req: Request, name: string, fallback: string): string {
  const value = req.query[name];
  return typeof value === "string" ? value : fallback;
}

const MEDIA_TYPES: Readonly<Record<string, string>> = { csv: "text/csv", json: "application/json" };

/**
 * The shop over HTTP: `GET /export?tenant=acme&format=csv` runs one `ExportRun` (a scoped
 * module) in the request's scope. Start the container first.
 */
export function createHttpApp(app: Container): Express {
  const http = express();
  http.get(
    "/export",
    scopePerRequest(app, (req) => ({
      "export-request": {
        tenant: param(req, "tenant", ""),
        format: param(req, "format", "csv"),
      },
    })),
    (req, res) => {
      const run = scopeOf(res).get(ExportRun);
      try {
        const document = run.run();
        const format = param(req, "format", "csv");
        res.type(MEDIA_TYPES[format] ?? "application/octet-stream").send(document);
      } catch (error) {
        res.status(400).json({ error: error instanceof Error ? error.message : String(error) });
      }
    },
  );
  return http;
}
