import { Module } from "@modreg/core";

/** Injected by interface: `Greeter` never names the class that implements it. */
export interface Clock {
  now(): Date;
}

/** A clock stopped at one instant, so the example prints the same thing on every run. */
@Module({ id: "fixed-clock" })
export class FixedClock implements Clock {
  now(): Date {
    return new Date("2026-01-01T09:30:00Z");
  }
}
