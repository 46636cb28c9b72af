/**
 * The OpenFeature provider over a modreg `Flags` service. It takes the SDK's classes (errors,
 * event emitter) from the copy its entry loaded: `import()` for the ESM entry, `require` for the
 * CommonJS one, so they are the copy the app's own module system loads.
 */
import type * as Sdk from "@openfeature/server-sdk";
import type { EvaluationContext, JsonValue, Provider, ResolutionDetails } from "@openfeature/server-sdk";
import { ModuleRegistryError } from "@modreg/core";
import type { Flags } from "../flags/types.js";
import type { FlagValue } from "../store.js";

/** What the provider uses of `@openfeature/server-sdk`. */
export type OpenFeatureSdk = Pick<
  typeof Sdk,
  | "FlagNotFoundError"
  | "OpenFeatureEventEmitter"
  | "ProviderEvents"
  | "StandardResolutionReasons"
  | "TargetingKeyMissingError"
  | "TypeMismatchError"
>;

let sdk: OpenFeatureSdk | undefined;

/** Called once by the entry that loaded the SDK, before it exports the provider. */
export function useSdk(loaded: OpenFeatureSdk): void {
  sdk = loaded;
}

function loadedSdk(): OpenFeatureSdk {
  if (sdk === undefined)
    throw new Error("modreg: the OpenFeature provider was used before its entry loaded the SDK");
  return sdk;
}

type Primitive = "boolean" | "string" | "number";

/** An OpenFeature server provider reading a modreg `Flags` service. */
export class ModregFlagProvider implements Provider {
  readonly metadata = { name: "modreg" } as const;
  readonly runsOn = "server" as const;
  readonly events = new (loadedSdk().OpenFeatureEventEmitter)();
  private readonly unsubscribe: () => void;

  constructor(private readonly flags: Flags) {
    if (typeof flags !== "object" || flags === null || typeof flags.all !== "function") {
      throw new ModuleRegistryError(
        "INVALID_ARGUMENT",
        "new ModregFlagProvider(flags): expected the result of createFlags()",
      );
    }
    const { ProviderEvents } = loadedSdk();
    this.unsubscribe = flags.onChange((tenantId) =>
      this.events.emit(ProviderEvents.ConfigurationChanged, {
        message: `flags of tenant "${tenantId}" changed`,
      }),
    );
  }

  resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, "boolean");
  }

  resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, "string");
  }

  resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, "number");
  }

  /** modreg flags are booleans, strings and numbers: an object flag is always a type mismatch. */
  resolveObjectEvaluation<T extends JsonValue>(flagKey: string): Promise<ResolutionDetails<T>> {
    return Promise.reject(
      new (loadedSdk().TypeMismatchError)(
        `flag "${flagKey}" is a boolean, string or number, never an object`,
      ),
    );
  }

  /** Stops forwarding change events; the flag service itself stays open (it is the app's). */
  onClose(): Promise<void> {
    this.unsubscribe();
    return Promise.resolve();
  }

  private async resolve<T extends FlagValue>(
    flagKey: string,
    defaultValue: T,
    context: EvaluationContext,
    type: Primitive,
  ): Promise<ResolutionDetails<T>> {
    const { FlagNotFoundError, StandardResolutionReasons, TargetingKeyMissingError, TypeMismatchError } =
      loadedSdk();
    const tenantId = context.targetingKey;
    if (typeof tenantId !== "string" || tenantId.length === 0) {
      throw new TargetingKeyMissingError(
        "modreg flags need the tenant id as the evaluation context's targetingKey",
      );
    }
    const all = await this.flags.all(tenantId);
    if (!Object.hasOwn(all, flagKey))
      throw new FlagNotFoundError(`no flag "${flagKey}" for tenant "${tenantId}"`);
    const value = all[flagKey];
    if (typeof value !== type) {
      throw new TypeMismatchError(
        `flag "${flagKey}" of tenant "${tenantId}" is a ${typeof value}, not a ${type}`,
      );
    }
    return { value: value as T, reason: StandardResolutionReasons.TARGETING_MATCH, variant: String(value) };
  }
}
